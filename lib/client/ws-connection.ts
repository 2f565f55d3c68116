import type { Clock, SocketFactory, SocketHandle } from './stream-transport';

export interface WsConnectionOptions {
  url: string;
  createSocket: SocketFactory;
  clock: Clock;
  /** a socket that doesn't open in time counts as failed */
  connectTimeoutMs: number;
  /** no frame at all (the server pings) for this long: the connection is dead */
  idleTimeoutMs: number;
}

export interface WsConnectionHandlers {
  onOpen: () => void;
  onMessage: (data: string) => void;
  /** the socket closed, never opened in time or went silent; reported once, never after close() */
  onClosed: (code?: number, reason?: string) => void;
}

/**
 * One WebSocket attempt with its connect and idle timeouts. Every way it can end is reported once
 * through onClosed, and nothing is reported after the owner closed it, so a late event of an old
 * socket never reaches the client.
 */
export class WsConnection {
  private readonly socket: SocketHandle;
  private open = false;
  private closed = false;
  private connectTimer: unknown;
  private idleTimer: unknown = null;

  constructor(
    private readonly opts: WsConnectionOptions,
    private readonly handlers: WsConnectionHandlers,
  ) {
    this.socket = opts.createSocket(opts.url, {
      onOpen: () => {
        if (this.closed) return;
        this.connectTimer = this.clear(this.connectTimer);
        this.open = true;
        this.armIdle();
        handlers.onOpen();
      },
      onMessage: (data) => {
        if (this.closed) return;
        this.armIdle();
        handlers.onMessage(data);
      },
      onClose: (code, reason) => this.fail(code, reason),
    });
    this.connectTimer = opts.clock.setTimeout(() => !this.open && this.fail(), opts.connectTimeoutMs);
  }

  isOpen(): boolean {
    return this.open && !this.closed;
  }

  send(text: string): void {
    if (this.isOpen()) this.socket.send(text);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.open = false;
    this.connectTimer = this.clear(this.connectTimer);
    this.idleTimer = this.clear(this.idleTimer);
    this.socket.close(1000, 'client closing');
  }

  private fail(code?: number, reason?: string): void {
    if (this.closed) return;
    this.close();
    this.handlers.onClosed(code, reason);
  }

  private armIdle(): void {
    this.idleTimer = this.clear(this.idleTimer);
    this.idleTimer = this.opts.clock.setTimeout(() => this.fail(), this.opts.idleTimeoutMs);
  }

  private clear(timer: unknown): null {
    if (timer !== null && timer !== undefined) this.opts.clock.clearTimeout(timer);
    return null;
  }
}
