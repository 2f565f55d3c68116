import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '@/lib/logger';
import { installMetricHooks, uninstallMetricHooks, NOOP_HOOKS, type MetricHooks } from '@/lib/metrics/hooks';
import { observeRequests } from './observe-requests';
import { currentRequestId, outsideRequest, setRequestUser } from './request-scope';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean))
        lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', pretty: false }, stream) };
}

let server: Server | undefined;
afterEach(async () => {
  uninstallMetricHooks();
  await new Promise((r) => server?.close(r) ?? r(undefined));
});

async function listen(s: Server): Promise<string> {
  server = s;
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

describe('observeRequests', () => {
  it('gives every request an id: response header, every log line of the request (after awaits too), access line', async () => {
    const { lines, logger } = capture();
    const http: Array<Parameters<MetricHooks['httpRequest']>> = [];
    installMetricHooks({ ...NOOP_HOOKS, httpRequest: (...a) => void http.push(a) });
    const url = await listen(
      createServer(
        observeRequests(
          (req, res) => {
            logger.info({ seen: req.headers['x-request-id'] }, 'handler start');
            setRequestUser('alice');
            setTimeout(() => {
              void Promise.resolve().then(() => {
                logger.warn('later, in a timer and a promise');
                // long-lived work a request merely triggers does not inherit its id
                outsideRequest(() => logger.info('background'));
                res.writeHead(201).end('ok');
              });
            }, 5);
          },
          { logger },
        ),
      ),
    );
    const res = await fetch(`${url}/api/v1/clusters/prod/nodes/ip-10-1-2-3?labelSelector=x`, {
      headers: { 'x-request-id': 'client-chosen-id' },
    });
    expect(res.status).toBe(201);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/); // untrusted caller: its own id is not taken
    await new Promise((r) => setTimeout(r, 20));
    const byMsg = Object.fromEntries(lines.map((l) => [l.msg, l]));
    expect(byMsg['handler start']).toMatchObject({ reqId: id, seen: id });
    expect(byMsg['later, in a timer and a promise']).toMatchObject({ reqId: id });
    expect(byMsg.background).not.toHaveProperty('reqId');
    expect(byMsg.request).toMatchObject({
      level: 30,
      reqId: id,
      method: 'GET',
      route: '/api/v1/clusters/[cluster]/nodes/[node]',
      path: '/api/v1/clusters/prod/nodes/ip-10-1-2-3',
      status: 201,
      user: 'alice',
    });
    expect(JSON.stringify(byMsg.request)).not.toContain('labelSelector'); // no query strings in logs
    expect(http).toEqual([['GET', '/api/v1/clusters/[cluster]/nodes/[node]', 201, expect.any(Number)]]);
    expect(currentRequestId()).toBeUndefined();
  });

  it('logs probes and assets at debug, and keeps streams out of the latency histogram', async () => {
    const { lines, logger } = capture();
    const http: string[] = [];
    installMetricHooks({ ...NOOP_HOOKS, httpRequest: (_m, route) => void http.push(route) });
    const url = await listen(createServer(observeRequests((_req, res) => res.end('x'), { logger })));
    for (const p of ['/api/healthz', '/_next/static/chunks/a.js', '/api/v1/sse/nodes', '/nope'])
      await (await fetch(url + p)).text();
    await new Promise((r) => setTimeout(r, 20));
    const access = lines.filter((l) => l.msg === 'request');
    expect(access.map((l) => [l.route, l.level])).toEqual([
      ['/api/healthz', 20],
      ['/_next/static', 20],
      ['/api/v1/sse/nodes', 30],
      ['unmatched', 30],
    ]);
    expect(http).toEqual(['/api/healthz', '/_next/static', 'unmatched']);
    expect(new Set(access.map((l) => l.reqId)).size).toBe(4);
  });
});
