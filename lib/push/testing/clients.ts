import { WebSocket } from 'ws';
import { SseParser } from '../sse-parser';

export type AnyMessage = Record<string, unknown> & { type: string; seq?: number; cluster_name?: string };

type Waiter = { pred: (m: AnyMessage) => boolean; resolve: (m: AnyMessage) => void };

class MessageLog {
  readonly messages: AnyMessage[] = [];
  private waiters: Waiter[] = [];

  push(m: AnyMessage): void {
    this.messages.push(m);
    this.waiters = this.waiters.filter((w) => {
      if (!w.pred(m)) return true;
      w.resolve(m);
      return false;
    });
  }

  /** resolves with the first message (already received or future) matching pred */
  waitFor(pred: (m: AnyMessage) => boolean, timeoutMs = 5000, what = 'message'): Promise<AnyMessage> {
    const found = this.messages.find(pred);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const waiter: Waiter = {
        pred,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      };
      this.waiters.push(waiter);
    });
  }

  nodeSeqs(cluster: string): number[] {
    return this.messages
      .filter((m) => m.type.startsWith('node_') && m.cluster_name === cluster)
      .map((m) => m.seq as number);
  }
}

export interface WsOpenOptions {
  token?: string;
  origin?: string;
  protocols?: string[];
  headers?: Record<string, string>;
}

/** A real `ws` client that records parsed messages and its close code. */
export class WsTestClient extends MessageLog {
  closed?: { code: number; reason: string };
  readonly closedPromise: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    super();
    ws.on('message', (data) => {
      const text = Array.isArray(data)
        ? Buffer.concat(data).toString()
        : Buffer.from(data as Uint8Array).toString();
      this.push(JSON.parse(text) as AnyMessage);
    });
    this.closedPromise = new Promise((resolve) => {
      ws.on('close', (code, reason) => {
        this.closed = { code, reason: reason.toString() };
        resolve(this.closed);
      });
    });
    ws.on('error', () => undefined);
  }

  static open(url: string, o: WsOpenOptions = {}): Promise<WsTestClient> {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    const ws = new WebSocket(url, o.protocols ?? [], { headers, origin: o.origin });
    const client = new WsTestClient(ws);
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  /** the HTTP status of a refused upgrade (throws if the upgrade succeeds) */
  static async refusedStatus(url: string, o: WsOpenOptions = {}): Promise<number> {
    try {
      const c = await WsTestClient.open(url, o);
      c.ws.terminate();
    } catch (err) {
      const m = /Unexpected server response: (\d+)/.exec(String(err));
      if (m) return Number(m[1]);
      throw err;
    }
    throw new Error('upgrade was accepted');
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  close(): void {
    this.ws.terminate();
  }
}

/** An SSE client on node's fetch with a streaming body reader. */
export class SseTestClient extends MessageLog {
  readonly parser = new SseParser();
  readonly done: Promise<void>;
  ended = false;
  private readonly abort: AbortController;

  private constructor(response: Response, abort: AbortController) {
    super();
    this.abort = abort;
    this.done = this.pump(response);
  }

  static async open(
    url: string,
    o: { token?: string; lastEventId?: string; headers?: Record<string, string> } = {},
  ): Promise<SseTestClient> {
    const headers: Record<string, string> = { accept: 'text/event-stream', ...o.headers };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.lastEventId) headers['last-event-id'] = o.lastEventId;
    const abort = new AbortController();
    const response = await fetch(url, { headers, signal: abort.signal });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw Object.assign(new Error(`SSE refused with ${response.status}`), { status: response.status });
    }
    return new SseTestClient(response, abort);
  }

  get lastEventId(): string {
    return this.parser.lastEventId;
  }

  close(): void {
    this.abort.abort();
  }

  private async pump(response: Response): Promise<void> {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const ev of this.parser.feed(decoder.decode(value, { stream: true }))) {
          this.push({ ...(JSON.parse(ev.data) as AnyMessage), _event: ev.event, _id: ev.lastEventId });
        }
      }
    } catch {
      // aborted
    } finally {
      this.ended = true;
    }
  }
}
