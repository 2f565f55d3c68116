import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void | Promise<void>;
type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface UpgradeRouterOptions {
  /** exact pathnames we answer, e.g. /api/v1/ws/nodes */
  routes: Record<string, UpgradeHandler>;
  /** Next's own upgrade handler (HMR in development); gets every /_next/ upgrade untouched */
  next?: UpgradeHandler;
  /** unknown paths are answered 404 and destroyed after this delay */
  unknownTimeoutMs?: number;
  onError?: (err: unknown) => void;
}

/**
 * One `upgrade` listener for the HTTP server: answers only our paths, hands Next's HMR
 * upgrades to Next, and ends anything else so stray sockets don't linger.
 */
export function createUpgradeRouter(opts: UpgradeRouterOptions): UpgradeListener {
  const delay = opts.unknownTimeoutMs ?? 1000;
  return (req, socket, head) => {
    let pathname: string;
    try {
      pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    } catch {
      pathname = '';
    }
    const handler =
      opts.routes[pathname] ?? (opts.next && pathname.startsWith('/_next/') ? opts.next : undefined);
    if (handler) {
      const fail = (err: unknown) => {
        opts.onError?.(err);
        socket.destroy();
      };
      try {
        const pending = handler(req, socket, head);
        if (pending) pending.catch(fail);
      } catch (err) {
        fail(err);
      }
      return;
    }
    socket.on('error', () => undefined);
    if (socket.writable)
      socket.write('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    const timer = setTimeout(() => socket.destroy(), delay);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
    socket.end();
  };
}
