import { Backoff, watchTimeoutSeconds, type BackoffOptions } from './backoff';
import {
  GoneError,
  WatchClosedEarlyError,
  WatchStatusError,
  WatchdogError,
  errorMessage,
  isGone,
  restartReason,
  type RestartReason,
} from './errors';

/**
 * A reflector for one resource: list, then watch from the list's resourceVersion, with its
 * own restart policy (client-node's ListWatch gives up on non-410 errors and its Watch can
 * hang on a half-open connection). Transport-agnostic so the policy is unit-testable.
 */

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ListResult {
  items: unknown[];
  resourceVersion: string;
}

export interface WatchRequest {
  resourceVersion: string;
  timeoutSeconds: number;
  allowWatchBookmarks: true;
  onEvent(type: string, object: unknown): void;
  /** called once when the stream ends; err null on a clean close */
  onDone(err: unknown): void;
  /** called once the server accepted the watch (HTTP 200) */
  onEstablished(): void;
}

export interface WatchHandle {
  abort(): void;
}

export interface InformerTransport {
  /** `reduce` is applied to each item as pages arrive, so raw objects never pile up */
  list(signal: AbortSignal, reduce?: (item: unknown) => unknown): Promise<ListResult>;
  watch(req: WatchRequest): WatchHandle;
}

export interface InformerHandlers {
  /** full state after a (re)list; the receiver diffs it against what it has */
  onList(items: unknown[]): void;
  onEvent(type: WatchEventType, object: unknown): void;
  /** 'listing' | 'watching' (healthy) | 'error' (will retry) */
  onState(state: 'listing' | 'watching' | 'error', err?: unknown): void;
}

export interface InformerOptions {
  name: string;
  transport: InformerTransport;
  handlers: InformerHandlers;
  backoff?: BackoffOptions;
  /** restart a watch that delivered nothing (not even a bookmark) for this long */
  watchdogMs: number;
  random?: () => number;
  now?: () => number;
  /** per-item reduction during the list (e.g. to a NodeSummary); onList then gets reduced items */
  reduceListItem?: (item: unknown) => unknown;
  /** awaited between the first list's response and applying it (lets pods land before nodes) */
  firstListGate?: () => Promise<void>;
}

export interface InformerStats {
  lists: number;
  watchRestarts: number;
  /** watchRestarts split by why the watch ended */
  restartsByReason: Partial<Record<RestartReason, number>>;
  events: number;
  bookmarks: number;
  lastError?: string;
  lastEventAt?: number;
  lastListMs?: number;
  /** last time the stream proved live: any event, bookmark or an accepted watch */
  lastActivityAt?: number;
}

const objectRv = (o: unknown): string | undefined => {
  const rv = (o as { metadata?: { resourceVersion?: unknown } } | null)?.metadata?.resourceVersion;
  return typeof rv === 'string' && rv ? rv : undefined;
};

export class Informer {
  private stopped = true;
  private rv = '';
  private needList = true;
  private readonly backoff: Backoff;
  private listAbort: AbortController | null = null;
  private current: WatchHandle | null = null;
  private endWatch: ((err: unknown) => void) | null = null;
  private wakeup: (() => void) | null = null;
  private sleepTimer: ReturnType<typeof setTimeout> | null = null;
  private watchdog: ReturnType<typeof setTimeout> | null = null;
  private loop: Promise<void> | null = null;
  private readonly now: () => number;
  private readonly random: () => number;
  readonly stats: InformerStats = {
    lists: 0,
    watchRestarts: 0,
    restartsByReason: {},
    events: 0,
    bookmarks: 0,
  };

  constructor(private readonly opts: InformerOptions) {
    this.random = opts.random ?? Math.random;
    this.backoff = new Backoff({ random: this.random, ...opts.backoff });
    this.now = opts.now ?? Date.now;
  }

  get resourceVersion(): string {
    return this.rv;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.needList = true;
    this.loop = this.run().catch(() => undefined);
  }

  /** Aborts in-flight list/watch and clears timers; resolves when the loop has exited. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.listAbort?.abort();
    this.current?.abort();
    this.current = null;
    this.endWatch?.(null);
    this.clearWatchdog();
    if (this.sleepTimer) clearTimeout(this.sleepTimer);
    this.sleepTimer = null;
    this.wakeup?.();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (this.needList) await this.list();
        if (this.stopped) return;
        await this.watchOnce();
        if (this.stopped) return;
        // a clean close at timeoutSeconds: resume from the last RV at once
        this.countRestart('timeout');
      } catch (err) {
        if (this.stopped) return;
        this.stats.lastError = errorMessage(err);
        if (isGone(err) && !this.needList) {
          // the watch's RV expired: relist at once (a 410 on the list itself, e.g. an
          // expired continue token, falls through to the backoff below)
          this.needList = true;
          this.countRestart('gone');
          continue;
        }
        if (!this.needList) this.countRestart(restartReason(err));
        this.safeState('error', err);
        await this.sleep(this.backoff.next());
      }
    }
  }

  private async list(): Promise<void> {
    this.safeState('listing');
    this.listAbort = new AbortController();
    const t0 = this.now();
    try {
      const res = await this.opts.transport.list(this.listAbort.signal, this.opts.reduceListItem);
      this.stats.lastListMs = this.now() - t0;
      if (this.stats.lists === 0 && this.opts.firstListGate) await this.opts.firstListGate();
      if (this.stopped) return;
      this.stats.lists++;
      this.opts.handlers.onList(res.items);
      this.rv = res.resourceVersion;
      this.needList = false;
      this.backoff.reset();
    } finally {
      this.listAbort = null;
    }
  }

  /**
   * Resolves when the server ends the watch at its timeoutSeconds; rejects on any error,
   * including a close well before that timeout (client-node reports a cut socket as a clean end).
   */
  private watchOnce(): Promise<void> {
    const timeoutSeconds = watchTimeoutSeconds(this.random);
    const started = this.now();
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const finish = (err: unknown) => {
        if (settled) return;
        settled = true;
        this.endWatch = null;
        this.clearWatchdog();
        if (handle) {
          handle.abort();
          if (this.current === handle) this.current = null;
        }
        const elapsed = this.now() - started;
        if (err) reject(err instanceof Error ? err : new Error(errorMessage(err)));
        else if (!this.stopped && elapsed < timeoutSeconds * 900) reject(new WatchClosedEarlyError(elapsed));
        else resolve();
      };
      const arm = () => {
        this.clearWatchdog();
        this.watchdog = setTimeout(
          () => finish(new WatchdogError(this.opts.watchdogMs)),
          this.opts.watchdogMs,
        );
      };
      let handle: WatchHandle | null = null;
      this.endWatch = finish;
      handle = this.opts.transport.watch({
        resourceVersion: this.rv,
        timeoutSeconds,
        allowWatchBookmarks: true,
        onEstablished: () => {
          if (settled) return;
          this.stats.lastActivityAt = this.now();
          this.safeState('watching');
        },
        onDone: (err) => finish(err ?? null),
        onEvent: (type, object) => {
          if (settled) return;
          arm();
          this.stats.lastActivityAt = this.now();
          try {
            if (type === 'ERROR') {
              const status = object as { code?: number; message?: string } | null;
              const code = typeof status?.code === 'number' ? status.code : 500;
              finish(
                code === 410
                  ? new GoneError(status?.message)
                  : new WatchStatusError(code, status?.message ?? 'unknown'),
              );
              return;
            }
            const rv = objectRv(object);
            if (type === 'BOOKMARK') {
              this.stats.bookmarks++;
              if (rv) this.rv = rv;
              return;
            }
            if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') return;
            this.backoff.reset();
            this.stats.events++;
            this.stats.lastEventAt = this.now();
            this.opts.handlers.onEvent(type, object);
            if (rv) this.rv = rv;
          } catch (err) {
            // a handler bug must not kill the stream silently: restart from a fresh list
            this.needList = true;
            finish(err);
          }
        },
      });
      if (settled) {
        handle.abort();
        return;
      }
      this.current = handle;
      if (this.stopped) finish(null);
      else arm();
    });
  }

  private countRestart(reason: RestartReason) {
    this.stats.watchRestarts++;
    this.stats.restartsByReason[reason] = (this.stats.restartsByReason[reason] ?? 0) + 1;
  }

  private safeState(state: 'listing' | 'watching' | 'error', err?: unknown) {
    try {
      this.opts.handlers.onState(state, err);
    } catch {
      // state listeners are observers; never let them break the loop
    }
  }

  private clearWatchdog() {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = null;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve();
      this.wakeup = () => {
        this.wakeup = null;
        resolve();
      };
      this.sleepTimer = setTimeout(() => {
        this.sleepTimer = null;
        this.wakeup?.();
      }, ms);
    });
  }
}
