/** What to do with a pushed node event, judged by its per-cluster seq. */
export type SeqVerdict = 'apply' | 'duplicate' | 'gap' | 'early' | 'untracked' | 'resyncing';

interface Cursor {
  /** last seq applied (or the list's seq we subscribed from); undefined until the first one is known */
  last: number | undefined;
  /** history broke (gap or server resync): drop events until the owner resubscribes from a fresh list */
  resyncing: boolean;
  /**
   * a subscribe is in flight on a socket that may still carry live events of an older subscription: a jump
   * is not a loss, the server's replay (up to the 'subscribed' ack) will deliver the skipped seqs in order
   */
  awaitingAck: boolean;
}

/**
 * Per-cluster resume cursors for the stream client. Seqs are per cluster, strictly increasing and
 * contiguous, so a jump means events were lost and the cached list can no longer be patched safely.
 */
export class SeqTracker {
  private readonly cursors = new Map<string, Cursor>();

  track(cluster: string, since: number | undefined, awaitAck = false): void {
    this.cursors.set(cluster, { last: since, resyncing: false, awaitingAck: awaitAck });
  }

  /** A (re)subscribe was sent for the cluster on a shared socket: tolerate jumps until its ack (or not). */
  expectAck(cluster: string, expect = true): void {
    const c = this.cursors.get(cluster);
    if (c) c.awaitingAck = expect;
  }

  untrack(cluster: string): void {
    this.cursors.delete(cluster);
  }

  has(cluster: string): boolean {
    return this.cursors.has(cluster);
  }

  isResyncing(cluster: string): boolean {
    return this.cursors.get(cluster)?.resyncing ?? false;
  }

  last(cluster: string): number | undefined {
    return this.cursors.get(cluster)?.last;
  }

  /** Clusters to (re)subscribe after a reconnect, with the seq to resume from; resyncing ones wait. */
  resumable(): { cluster: string; since: number | undefined }[] {
    const out: { cluster: string; since: number | undefined }[] = [];
    for (const [cluster, c] of this.cursors) if (!c.resyncing) out.push({ cluster, since: c.last });
    return out;
  }

  clusters(): string[] {
    return [...this.cursors.keys()];
  }

  accept(cluster: string, seq: number): SeqVerdict {
    const c = this.cursors.get(cluster);
    if (!c) return 'untracked';
    if (c.resyncing) return 'resyncing';
    if (c.last !== undefined) {
      if (seq <= c.last) return 'duplicate';
      if (seq > c.last + 1) {
        if (c.awaitingAck) return 'early';
        c.resyncing = true;
        return 'gap';
      }
    }
    c.last = seq;
    return 'apply';
  }

  /**
   * The server reported its current seq (subscribed / connected). A seq below ours means its history was
   * reset (restart, cluster re-registered): returns true and marks the cluster resyncing.
   */
  observeServerSeq(cluster: string, serverSeq: number, isAck = false): boolean {
    const c = this.cursors.get(cluster);
    if (!c || c.resyncing) return false;
    if (isAck) c.awaitingAck = false;
    if (c.last === undefined) {
      c.last = serverSeq;
      return false;
    }
    if (serverSeq < c.last) {
      c.resyncing = true;
      return true;
    }
    return false;
  }

  markResync(cluster: string): boolean {
    const c = this.cursors.get(cluster);
    if (!c || c.resyncing) return false;
    c.resyncing = true;
    return true;
  }
}
