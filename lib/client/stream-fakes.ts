import type {
  Clock,
  EventSourceFactory,
  EventSourceHandlers,
  SocketFactory,
  SocketHandlers,
} from './stream-transport';

/** Test doubles for the stream client: a manual clock and scriptable sockets / event sources. */
export class FakeClock implements Clock {
  time = 0;
  randomValue = 0;
  private seq = 0;
  private readonly timers = new Map<number, { at: number; fn: () => void }>();

  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.timers.set(id, { at: this.time + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  random(): number {
    return this.randomValue;
  }

  now(): number {
    return this.time;
  }

  pending(): number {
    return this.timers.size;
  }

  /** Advances time, firing due timers in order (including ones scheduled while advancing). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.timers.delete(next[0]);
      this.time = next[1].at;
      next[1].fn();
    }
    this.time = end;
  }
}

export class FakeSocket {
  sent: unknown[] = [];
  closed = false;
  constructor(
    readonly url: string,
    readonly h: SocketHandlers,
  ) {}
  open(): void {
    this.h.onOpen();
  }
  receive(msg: unknown): void {
    this.h.onMessage(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }
  serverClose(code = 1006): void {
    this.h.onClose(code, '');
  }
}

export class FakeEventSource {
  closed = false;
  constructor(
    readonly url: string,
    readonly h: EventSourceHandlers,
  ) {}
  receive(msg: unknown): void {
    this.h.onMessage(JSON.stringify(msg));
  }
}

export function fakeTransports() {
  const sockets: FakeSocket[] = [];
  const sources: FakeEventSource[] = [];
  const createSocket: SocketFactory = (url, h) => {
    const s = new FakeSocket(url, h);
    sockets.push(s);
    return {
      send: (d) => s.sent.push(JSON.parse(d)),
      close: () => {
        s.closed = true;
      },
    };
  };
  const createEventSource: EventSourceFactory = (url, h) => {
    const s = new FakeEventSource(url, h);
    sources.push(s);
    return {
      close: () => {
        s.closed = true;
      },
    };
  };
  return { sockets, sources, createSocket, createEventSource };
}
