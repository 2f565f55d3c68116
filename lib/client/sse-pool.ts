import { backoffDelay, type BackoffOptions } from './backoff';
import type { Clock, EventSourceFactory, EventSourceHandle } from './stream-transport';

interface Entry {
  handle: EventSourceHandle;
  gen: number;
  failures: number;
  timer: unknown;
  /** the stream delivered its `connected`/`subscribed` frame and has not failed since */
  live: boolean;
}

export interface SsePoolOptions {
  factory: EventSourceFactory;
  /** evaluated at every (re)open so a reopened stream resumes from the last seq seen */
  url: (cluster: string) => string;
  clock: Clock;
  backoff: BackoffOptions;
  onMessage: (cluster: string, data: string) => void;
  /** a stream failed, went live or recovered (`recovered`: live again after a failure) */
  onStatus: (cluster: string, recovered: boolean) => void;
}

/** How the pool's streams are doing, for the connection badge. */
export type SsePoolHealth = 'none' | 'live' | 'opening' | 'failing';

/**
 * One EventSource per cluster (the SSE endpoint takes a single cluster). On error the stream is closed and
 * reopened by us with backoff, rather than trusting the browser's Last-Event-ID retry, so `since` is ours.
 */
export class SsePool {
  private readonly entries = new Map<string, Entry>();
  private gen = 0;

  constructor(private readonly opts: SsePoolOptions) {}

  has(cluster: string): boolean {
    return this.entries.has(cluster);
  }

  clusters(): string[] {
    return [...this.entries.keys()];
  }

  /** Live only when every stream is: one failing cluster means the view is no longer current. */
  health(): SsePoolHealth {
    if (this.entries.size === 0) return 'none';
    const all = [...this.entries.values()];
    if (all.every((e) => e.live)) return 'live';
    return all.some((e) => e.failures > 0) ? 'failing' : 'opening';
  }

  /** The client saw the stream's `connected`/`subscribed` frame. */
  markLive(cluster: string): void {
    const e = this.entries.get(cluster);
    if (!e || e.live) return;
    const recovered = e.failures > 0;
    e.live = true;
    e.failures = 0;
    this.opts.onStatus(cluster, recovered);
  }

  open(cluster: string): void {
    const failures = this.entries.get(cluster)?.failures ?? 0;
    this.close(cluster);
    const gen = ++this.gen;
    const current = () => {
      const e = this.entries.get(cluster);
      return e?.gen === gen ? e : undefined;
    };
    const handle = this.opts.factory(this.opts.url(cluster), {
      onOpen: () => undefined,
      onMessage: (data) => {
        if (current()) this.opts.onMessage(cluster, data);
      },
      onError: () => {
        const e = current();
        if (!e || e.timer !== null) return;
        e.handle.close();
        e.live = false;
        const delay = backoffDelay(e.failures, this.opts.backoff, () => this.opts.clock.random());
        e.failures++;
        e.timer = this.opts.clock.setTimeout(() => {
          if (current()) this.open(cluster);
        }, delay);
        this.opts.onStatus(cluster, false);
      },
    });
    this.entries.set(cluster, { handle, gen, failures, timer: null, live: false });
  }

  close(cluster: string): void {
    const e = this.entries.get(cluster);
    if (!e) return;
    this.entries.delete(cluster);
    if (e.timer !== null) this.opts.clock.clearTimeout(e.timer);
    e.handle.close();
  }

  closeAll(): void {
    for (const c of this.clusters()) this.close(c);
  }
}
