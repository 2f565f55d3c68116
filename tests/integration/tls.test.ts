import { X509Certificate } from 'node:crypto';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { SseParser } from '@/lib/push/sse-parser';
import { generateTls, type TlsMaterial } from '@/lib/sim/http/tls';
import { eventually, startApp, type AppServer } from './helpers/app-server';

/**
 * TLS without an ingress: TLS_CERT_FILE/TLS_KEY_FILE make the app serve HTTPS and WSS, and a
 * certificate replaced on disk (as cert-manager does) is used for new connections while the
 * connections already open stay open and keep receiving.
 */
let app: AppServer;
let dir: string;
let first: TlsMaterial;
let second: TlsMaterial;
let token: string;
let ca: string[];
const certFile = () => path.join(dir, 'tls.crt');
const keyFile = () => path.join(dir, 'tls.key');
const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

function install(m: TlsMaterial) {
  // key first, then certificate, each renamed into place: the reloader sees a mismatched pair in between
  writeFileSync(`${keyFile()}.new`, m.key);
  renameSync(`${keyFile()}.new`, keyFile());
  writeFileSync(`${certFile()}.new`, m.cert);
  renameSync(`${certFile()}.new`, certFile());
}

/** A request that trusts only our two test CAs. */
function request(
  method: string,
  urlPath: string,
  opts: { headers?: Record<string, string>; body?: string } = {},
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  cert: string;
}> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${app.url}${urlPath}`,
      { method, ca, headers: opts.headers, agent: false },
      (res) => {
        const cert = (res.socket as import('node:tls').TLSSocket).getPeerCertificate().fingerprint256;
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, cert }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const cookiesOf = (h: string | string[] | undefined) => [h ?? []].flat().map((c) => c.split(';')[0]!);

/** The certificate a brand-new TLS connection is given. */
function servedCertificate(): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port: app.port, ca, servername: 'localhost' }, () => {
      resolve(s.getPeerCertificate().fingerprint256);
      s.end();
    });
    s.on('error', reject);
  });
}

interface Stream {
  messages: Array<{ type: string; node_name?: string; data?: { labels?: Record<string, string> } }>;
  cert: string;
  open: () => boolean;
  close(): void;
}

function openWss(): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`wss://127.0.0.1:${app.port}/api/v1/ws/nodes?cluster=demo`, {
      ca,
      headers: { authorization: `Bearer ${token}` },
    });
    const stream: Stream = {
      messages: [],
      cert: '',
      open: () => ws.readyState === WebSocket.OPEN,
      close: () => ws.terminate(),
    };
    ws.on(
      'upgrade',
      (res) =>
        (stream.cert = (res.socket as import('node:tls').TLSSocket).getPeerCertificate().fingerprint256),
    );
    ws.on('message', (d) =>
      stream.messages.push(JSON.parse((d as Buffer).toString()) as Stream['messages'][number]),
    );
    ws.once('open', () => resolve(stream));
    ws.once('error', reject);
  });
}

function openSse(): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const parser = new SseParser();
    let ended = false;
    const req = https.get(
      `${app.url}/api/v1/sse/nodes?cluster=demo`,
      { ca, agent: false, headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } },
      (res) => {
        if (res.statusCode !== 200) return reject(new Error(`SSE ${res.statusCode}`));
        const stream: Stream = {
          messages: [],
          cert: (res.socket as import('node:tls').TLSSocket).getPeerCertificate().fingerprint256,
          open: () => !ended,
          close: () => req.destroy(),
        };
        res.on('data', (c: Buffer) => {
          for (const ev of parser.feed(c.toString()))
            stream.messages.push(JSON.parse(ev.data) as Stream['messages'][number]);
        });
        res.on('close', () => (ended = true));
        resolve(stream);
      },
    );
    req.on('error', reject);
  });
}

async function labelAndAwait(streams: Stream[], value: string) {
  const node = (
    JSON.parse(
      (
        await request('GET', '/api/v1/clusters/demo/nodes?limit=1', {
          headers: { authorization: `Bearer ${token}` },
        })
      ).text,
    ) as { items: Array<{ name: string }> }
  ).items[0]!.name;
  const r = await request('POST', `/api/v1/clusters/demo/nodes/${node}/labels`, {
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ set: { rotation: value } }),
  });
  expect(r.status, r.text).toBe(200);
  for (const s of streams)
    await eventually(
      () => s.messages.some((m) => m.type === 'node_update' && m.data?.labels?.rotation === value),
      `the change "${value}" on a stream opened with certificate ${s.cert.slice(0, 8)}`,
      10_000,
    );
}

describe('HTTPS and WSS from TLS_CERT_FILE / TLS_KEY_FILE, with hot reload', () => {
  beforeAll(async () => {
    first = generateTls('127.0.0.1');
    second = generateTls('127.0.0.1');
    ca = [first.ca, second.ca];
    dir = mkdtempSync(path.join(os.tmpdir(), 'knm-tls-'));
    install(first);
    app = await startApp({
      TLS_CERT_FILE: certFile(),
      TLS_KEY_FILE: keyFile(),
      DEMO_NODES: '5',
      NEXTAUTH_URL: 'https://127.0.0.1',
    });
    expect(app.url).toMatch(/^https:/);
    // sign in over HTTPS (secure cookies), then make an API token for the streams
    const csrf = await request('GET', '/api/auth/csrf');
    const jar = cookiesOf(csrf.headers['set-cookie']);
    const signIn = await request('POST', '/api/auth/callback/credentials', {
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: jar.join('; '),
        origin: 'https://127.0.0.1',
      },
      body: new URLSearchParams({
        csrfToken: (JSON.parse(csrf.text) as { csrfToken: string }).csrfToken,
        username: 'admin',
        password: 'admin-password-1',
        json: 'true',
      }).toString(),
    });
    const cookies = [...jar, ...cookiesOf(signIn.headers['set-cookie'])];
    expect(cookies.some((c) => c.startsWith('__Secure-next-auth.session-token='))).toBe(true);
    const created = await request('POST', '/api/v1/tokens', {
      headers: {
        cookie: cookies.join('; '),
        origin: 'https://127.0.0.1',
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: 'tls', scope: 'write' }),
    });
    expect(created.status, created.text).toBe(201);
    token = (JSON.parse(created.text) as { token: string }).token;
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS only, and WSS and SSE over TLS deliver changes', async () => {
    expect(await servedCertificate()).toBe(fingerprint(first.cert));
    await expect(fetch(`http://127.0.0.1:${app.port}/api/healthz`)).rejects.toThrow();
    const ws = await openWss();
    const sse = await openSse();
    expect([ws.cert, sse.cert]).toEqual([fingerprint(first.cert), fingerprint(first.cert)]);
    await labelAndAwait([ws, sse], 'before');
    ws.close();
    sse.close();
  });

  it('replaced certificate files: new connections get the new certificate, open ones stay open', async () => {
    const oldWs = await openWss();
    const oldSse = await openSse();
    install(second);
    await eventually(
      async () => (await servedCertificate()) === fingerprint(second.cert),
      'the new certificate',
      15_000,
    );
    expect(app.logs.join('\n')).toMatch(/TLS certificate reloaded/);

    const newWs = await openWss();
    const newSse = await openSse();
    expect([newWs.cert, newSse.cert]).toEqual([fingerprint(second.cert), fingerprint(second.cert)]);
    expect([oldWs.cert, oldSse.cert]).toEqual([fingerprint(first.cert), fingerprint(first.cert)]);
    expect(oldWs.open() && oldSse.open()).toBe(true);
    await labelAndAwait([oldWs, oldSse, newWs, newSse], 'after');

    // a broken pair (key of another certificate) is refused and the current one kept
    writeFileSync(keyFile(), first.key);
    await eventually(() => /TLS files changed but are not usable/.test(app.logs.join('\n')), 'the warning');
    expect(await servedCertificate()).toBe(fingerprint(second.cert));
    for (const s of [oldWs, oldSse, newWs, newSse]) s.close();
  });
});
