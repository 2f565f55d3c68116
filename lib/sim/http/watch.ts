import type { ServerResponse } from 'node:http';
import { apiErrors } from '../errors';
import { apiVersionOf, type ResourceDef } from '../resources';
import { type Filter, type ObjectStore, StoreEntry, type StoreEvent, filterMatches } from '../store';
import type { ObjectFormat } from './format';

export interface WatchOptions {
  def: ResourceDef;
  filter: Filter;
  format: ObjectFormat;
  resourceVersion: string;
  timeoutMs: number;
  bookmarks: boolean;
  bookmarkIntervalMs: number;
  /** drop the connection when this many bytes are queued for a slow client */
  maxBufferedBytes?: number;
}

/** One open watch stream; the registry uses cut()/stall() for fault injection. */
export class WatchConn {
  stalled = false;
  private closed = false;
  private unsubscribe: (() => void) | undefined;
  private timers: NodeJS.Timeout[] = [];
  /** events at or below this resourceVersion were already covered (initial state, or a client-supplied future RV) */
  private minRv = 0;

  constructor(
    private readonly res: ServerResponse,
    private readonly store: ObjectStore,
    private readonly opts: WatchOptions,
    private readonly onClose: (w: WatchConn) => void,
  ) {}

  /** Writes the initial/backlog events, subscribes for live ones and arms bookmark/timeout timers. */
  start(): void {
    const { def, filter, format } = this.opts;
    const rvParam = this.opts.resourceVersion;
    const initial: Buffer[] = [];
    if (rvParam === '' || rvParam === '0') {
      const list = this.store.list(def.resource, { namespace: filter.namespace });
      for (const e of list.items)
        if (filterMatches(def, filter, e.obj)) initial.push(format.event(def, 'ADDED', e));
    } else {
      const from = Number(rvParam);
      if (!/^\d+$/.test(rvParam) || !Number.isSafeInteger(from))
        throw apiErrors.badRequest(`invalid resource version: ${JSON.stringify(rvParam)}`);
      this.minRv = from;
      const evs = this.store.eventsSince(def.resource, from);
      if (evs === 'expired') {
        this.sendExpired(from);
        return;
      }
      for (const ev of evs) {
        const line = this.render(ev);
        if (line) initial.push(line);
      }
    }
    this.res.on('close', () => this.close());
    this.res.on('error', () => this.close());
    this.res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    this.res.flushHeaders();
    if (initial.length) this.write(Buffer.concat(initial));
    this.unsubscribe = this.store.subscribe((ev) => {
      if (ev.resource !== def.resource || this.closed) return;
      const line = this.render(ev);
      if (line) this.write(line);
    });
    const { timeoutMs } = this.opts;
    this.timers.push(setTimeout(() => this.end(), timeoutMs));
    if (this.opts.bookmarks) {
      const iv = setInterval(() => this.bookmark(), this.opts.bookmarkIntervalMs);
      this.timers.push(iv);
      const before = Math.max(0, timeoutMs - Math.min(1000, timeoutMs / 10));
      if (before > 0) this.timers.push(setTimeout(() => this.bookmark(), before));
    }
  }

  private sendExpired(from: number): void {
    const status = apiErrors
      .expired(`too old resource version: ${from} (${this.store.oldestWatchableRv + 1})`)
      .toStatus();
    delete status.details;
    this.res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    this.res.end(`{"type":"ERROR","object":${JSON.stringify(status)}}\n`);
    this.closed = true;
    this.onClose(this);
  }

  /** Sends the ERROR 410 event used by the expireNextWatch fault and closes. */
  expire(): void {
    this.sendExpired(Number(this.opts.resourceVersion) || 0);
  }

  private render(ev: StoreEvent): Buffer | undefined {
    const { def, filter, format } = this.opts;
    if (ev.rv <= this.minRv) return undefined;
    let type: string | undefined;
    let usePrev = false;
    if (ev.type === 'ADDED') type = filterMatches(def, filter, ev.entry.obj) ? 'ADDED' : undefined;
    else if (ev.type === 'DELETED') type = filterMatches(def, filter, ev.entry.obj) ? 'DELETED' : undefined;
    else {
      const cur = filterMatches(def, filter, ev.entry.obj);
      const prev = ev.prev ? filterMatches(def, filter, ev.prev.obj) : false;
      if (cur) type = prev ? 'MODIFIED' : 'ADDED';
      else if (prev) {
        type = 'DELETED';
        usePrev = true;
      }
    }
    if (!type) return undefined;
    const key = `${format.id}|${type}|${usePrev ? 'p' : 'c'}`;
    let line = ev.cache.get(key);
    if (line === undefined) {
      line = format.event(def, type, usePrev ? prevAtRv(ev) : ev.entry);
      ev.cache.set(key, line);
    }
    return line;
  }

  private bookmark(): void {
    if (this.closed || this.stalled) return;
    const { def } = this.opts;
    this.write(
      `{"type":"BOOKMARK","object":{"kind":"${def.kind}","apiVersion":"${apiVersionOf(def)}","metadata":{"resourceVersion":"${this.store.resourceVersion}","creationTimestamp":null}}}\n`,
    );
  }

  private write(chunk: string | Buffer): void {
    if (this.closed || this.stalled) return;
    if (this.res.destroyed || this.res.writableEnded) {
      this.close();
      return;
    }
    if (this.res.writableLength > (this.opts.maxBufferedBytes ?? 64 * 1024 * 1024)) {
      this.cut();
      return;
    }
    this.res.write(chunk);
  }

  private end(): void {
    if (this.closed) return;
    this.res.end();
    this.close();
  }

  /** Ends the stream: cleanly (like kube-apiserver closing a watch) or abruptly (socket destroyed). */
  cut(abrupt = true): void {
    if (this.closed) return;
    if (abrupt) this.res.destroy();
    else this.res.end();
    this.close();
  }

  stall(): void {
    this.stalled = true;
  }

  private close(): void {
    if (this.closed && !this.unsubscribe && this.timers.length === 0) return;
    this.closed = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    this.onClose(this);
  }
}

function prevAtRv(ev: StoreEvent): StoreEntry {
  const p = ev.prev!;
  const obj = { ...p.obj, metadata: { ...p.obj.metadata, resourceVersion: String(ev.rv) } };
  return StoreEntry.of(obj, ev.rv);
}
