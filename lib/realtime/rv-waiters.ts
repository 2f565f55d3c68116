import { rvAtLeast } from './resource-version';

interface Waiter {
  rv: string;
  resolve: (ok: boolean) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** Pending read-your-writes waits per node name, settled by `check` after each apply. */
export class RvWaiters {
  private readonly byNode = new Map<string, Set<Waiter>>();

  wait(node: string, rv: string, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      let set = this.byNode.get(node);
      if (!set) {
        set = new Set();
        this.byNode.set(node, set);
      }
      const s = set;
      const w: Waiter = {
        rv,
        resolve,
        timer: setTimeout(() => {
          s.delete(w);
          if (s.size === 0) this.byNode.delete(node);
          resolve(false);
        }, timeoutMs),
      };
      s.add(w);
    });
  }

  /** Resolves every waiter on `node` whose RV is covered by `current`. */
  check(node: string, current: string | undefined): void {
    const set = this.byNode.get(node);
    if (!set || current === undefined) return;
    for (const w of set) {
      if (rvAtLeast(current, w.rv)) {
        clearTimeout(w.timer);
        set.delete(w);
        w.resolve(true);
      }
    }
    if (set.size === 0) this.byNode.delete(node);
  }

  nodes(): string[] {
    return [...this.byNode.keys()];
  }

  /** Settles everything with false and clears timers (shutdown). */
  cancelAll(): void {
    for (const set of this.byNode.values()) {
      for (const w of set) {
        clearTimeout(w.timer);
        w.resolve(false);
      }
    }
    this.byNode.clear();
  }
}
