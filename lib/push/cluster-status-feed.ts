import type { ClusterStatusMessage } from '@/lib/protocol/messages';

export type ClusterStatusData = ClusterStatusMessage['data'];

export interface ClusterStatusFeedOptions {
  /** the cluster's current status and counts; undefined when it is gone */
  read(cluster: string): ClusterStatusData | undefined;
  publish(cluster: string, data: ClusterStatusData): void;
  /** at most one message per cluster this often (the first at once, the last never lost) */
  intervalMs?: number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/**
 * Turns a stream of "this cluster changed" touches into few `cluster_status` messages: leading edge at
 * once, then at most one per interval, and only when status or counts actually differ from the last one
 * sent (a label edit changes no count and costs nothing).
 */
export class ClusterStatusFeed {
  private readonly sent = new Map<string, { at: number; key: string }>();
  private readonly timers = new Map<string, unknown>();
  private readonly intervalMs: number;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (handle: unknown) => void;

  constructor(private readonly opts: ClusterStatusFeedOptions) {
    this.intervalMs = opts.intervalMs ?? 500;
    this.now = opts.now ?? Date.now;
    this.setTimer =
      opts.setTimer ??
      ((fn, ms) => {
        const t = setTimeout(fn, ms);
        t.unref();
        return t;
      });
    this.clearTimer = opts.clearTimer ?? ((h) => clearTimeout(h as NodeJS.Timeout));
  }

  touch(cluster: string): void {
    if (this.timers.has(cluster)) return; // the pending send will read the latest state
    const last = this.sent.get(cluster);
    const wait = last ? last.at + this.intervalMs - this.now() : 0;
    if (wait <= 0) return this.send(cluster);
    this.timers.set(
      cluster,
      this.setTimer(() => {
        this.timers.delete(cluster);
        this.send(cluster);
      }, wait),
    );
  }

  forget(cluster: string): void {
    const t = this.timers.get(cluster);
    if (t !== undefined) this.clearTimer(t);
    this.timers.delete(cluster);
    this.sent.delete(cluster);
  }

  dispose(): void {
    for (const c of [...this.timers.keys()]) this.forget(c);
  }

  private send(cluster: string): void {
    const data = this.opts.read(cluster);
    if (!data) return;
    const key = JSON.stringify(data);
    if (this.sent.get(cluster)?.key === key) return;
    this.sent.set(cluster, { at: this.now(), key });
    this.opts.publish(cluster, data);
  }
}
