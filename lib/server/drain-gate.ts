import type { IncomingMessage, ServerResponse } from 'node:http';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const body = JSON.stringify({
  error: { code: 'shutting_down', message: 'This server is shutting down; retry on another or in a moment' },
});

/**
 * `server.close()` only stops new TCP connections: keep-alive connections a browser already holds keep
 * being served until the last one closes, so a stopping server would go on answering probes and list
 * requests (a page could show Live, or load an emptied cluster, from a process about to exit). Once
 * draining, every request that is not already in flight gets 503 with `Connection: close`, which also
 * closes that connection; the client's retry then reaches a live replica, or waits for the restart.
 */
export function createDrainGate(handler: Handler): { handler: Handler; begin(): void; draining(): boolean } {
  let draining = false;
  return {
    handler: (req, res) => {
      if (!draining) return handler(req, res);
      res.shouldKeepAlive = false;
      res.writeHead(503, {
        'Content-Type': 'application/json',
        'Cache-Control': 'no-store',
        'Retry-After': '1',
        Connection: 'close',
      });
      res.end(body);
    },
    begin: () => {
      draining = true;
    },
    draining: () => draining,
  };
}
