import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { createUpgradeRouter } from './upgrade-router';

const req = (url: string) => ({ url, headers: {} }) as IncomingMessage;

describe('createUpgradeRouter', () => {
  it('routes our exact path, hands /_next/ to Next, answers 404 otherwise', async () => {
    const ours = vi.fn();
    const next = vi.fn();
    const route = createUpgradeRouter({ routes: { '/api/v1/ws/nodes': ours }, next, unknownTimeoutMs: 10 });
    route(req('/api/v1/ws/nodes?cluster=demo'), new PassThrough(), Buffer.alloc(0));
    route(req('/_next/webpack-hmr'), new PassThrough(), Buffer.alloc(0));
    expect(ours).toHaveBeenCalledTimes(1);
    expect(next).toHaveBeenCalledTimes(1);

    const socket = new PassThrough();
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    route(req('/api/v1/ws/nodesX'), socket, Buffer.alloc(0));
    await new Promise((r) => setTimeout(r, 30));
    expect(Buffer.concat(chunks).toString()).toMatch(/^HTTP\/1.1 404/);
    expect(socket.destroyed).toBe(true);
  });

  it('leaves /_next/ alone when no Next handler is given (production)', () => {
    const route = createUpgradeRouter({ routes: {} });
    const socket = new PassThrough();
    route(req('/_next/webpack-hmr'), socket, Buffer.alloc(0));
    expect(socket.writableEnded).toBe(true);
  });
});
