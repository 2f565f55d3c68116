import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createDrainGate } from './drain-gate';

let server: http.Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
});

function get(
  port: number,
  agent: http.Agent,
): Promise<{ status: number; connection?: string; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ port, host: '127.0.0.1', path: '/x', agent }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }),
        );
      })
      .on('error', reject);
  });
}

describe('drain gate', () => {
  it('serves normally, then answers 503 with Connection: close on a held keep-alive connection', async () => {
    const gate = createDrainGate((_req, res) => res.end('ok'));
    server = http.createServer(gate.handler);
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    let sockets = 0;
    server.on('connection', () => sockets++);

    expect(await get(port, agent)).toMatchObject({ status: 200, body: 'ok' });
    gate.begin();
    // the same kept-alive connection: exactly what server.close() alone would keep serving
    const drained = await get(port, agent);
    expect(sockets).toBe(1);
    expect(drained.status).toBe(503);
    expect(drained.connection).toBe('close');
    expect(JSON.parse(drained.body)).toMatchObject({ error: { code: 'shutting_down' } });
    expect(gate.draining()).toBe(true);
    agent.destroy();
  });
});
