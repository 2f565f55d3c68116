import https from 'node:https';
import http from 'node:http';
import type { Simulator } from '@/lib/sim';

export interface Resp {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: any;
}

export function request(
  sim: Simulator,
  method: string,
  path: string,
  opts: {
    body?: unknown;
    contentType?: string;
    token?: string | null;
    accept?: string;
    headers?: Record<string, string | string[]>;
  } = {},
): Promise<Resp> {
  const url = new URL(path, sim.url);
  const lib = url.protocol === 'https:' ? https : http;
  const headers: Record<string, string | string[]> = { ...opts.headers };
  const token = opts.token === undefined ? sim.adminToken : opts.token;
  if (token) headers.Authorization = `Bearer ${token}`;
  if (opts.accept) headers.Accept = opts.accept;
  let payload: string | undefined;
  if (opts.body !== undefined) {
    payload = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['Content-Type'] = opts.contentType ?? 'application/json';
  }
  return new Promise((resolve, reject) => {
    const req = lib.request(url, { method, headers, ca: sim.caPem, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export interface WatchStream {
  events: Array<{ type: string; object: any }>;
  ended: Promise<void>;
  status: Promise<number>;
  close(): void;
}

/** Opens a raw watch and collects newline-delimited JSON events. */
export function openWatch(
  sim: Simulator,
  path: string,
  token: string = sim.adminToken,
  accept?: string,
): WatchStream {
  const url = new URL(path, sim.url);
  const lib = url.protocol === 'https:' ? https : http;
  const events: WatchStream['events'] = [];
  let resolveStatus!: (n: number) => void;
  const status = new Promise<number>((r) => (resolveStatus = r));
  let req!: http.ClientRequest;
  const ended = new Promise<void>((resolve) => {
    const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
    if (accept) headers.Accept = accept;
    req = lib.request(url, { headers, ca: sim.caPem, agent: false }, (res) => {
      resolveStatus(res.statusCode ?? 0);
      let buf = '';
      res.on('data', (c: Buffer) => {
        buf += c.toString('utf8');
        let i: number;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.trim()) events.push(JSON.parse(line));
        }
      });
      res.on('end', () => resolve());
      res.on('close', () => resolve());
      res.on('error', () => resolve());
    });
    req.on('error', () => {
      resolveStatus(0);
      resolve();
    });
    req.end();
  });
  return { events, ended, status, close: () => req.destroy() };
}

export async function waitFor(cond: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out waiting for condition');
    await new Promise((r) => setTimeout(r, 20));
  }
}
