import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { SimContext } from './context';
import { handleRequest } from './handler';
import type { TlsMaterial } from './tls';

/** Owns the listening socket so the simulator can be restarted on the same port with all connections cut. */
export class SimHttpServer {
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(
    private readonly ctx: SimContext,
    private readonly host: string,
    private readonly tls: TlsMaterial | undefined,
  ) {}

  async listen(port: number): Promise<number> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) =>
      void handleRequest(this.ctx, req, res);
    const server = this.tls
      ? https.createServer({ key: this.tls.key, cert: this.tls.cert }, handler)
      : http.createServer(handler);
    server.keepAliveTimeout = 30_000;
    const track = (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    };
    server.on(this.tls ? 'secureConnection' : 'connection', track);
    if (this.tls) server.on('connection', track);
    server.on('clientError', (_err, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const addr = server.address();
    this.port = typeof addr === 'object' && addr ? addr.port : port;
    return this.port;
  }

  /** Cuts every open connection (watches included) and stops listening. */
  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const w of [...this.ctx.watches]) w.cut();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
