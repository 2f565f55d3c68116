import { addNode, removeNode } from './cluster';
import { SimApiError } from './errors';
import { Prng } from './prng';
import type { PodController } from './pods';
import type { KObj } from './resources';
import type { SimStore } from './sim-store';

/** Per-second rates of each kind of change; fractional rates accumulate across ticks. */
export interface ChurnOptions {
  tickMs?: number;
  labelsPerSec?: number;
  taintsPerSec?: number;
  cordonsPerSec?: number;
  readyFlapsPerSec?: number;
  nodeAddRemovePerSec?: number;
  podChurnPerSec?: number;
  /** ticks a flapped node stays NotReady (default 3..8) */
  notReadyTicks?: [number, number];
  seed?: number;
}

/** The gentle default used by the demo cluster. */
export const defaultChurn: Required<Omit<ChurnOptions, 'seed'>> = {
  tickMs: 1000,
  labelsPerSec: 1,
  taintsPerSec: 0.3,
  cordonsPerSec: 0.1,
  readyFlapsPerSec: 0.2,
  nodeAddRemovePerSec: 0.02,
  podChurnPerSec: 1,
  notReadyTicks: [3, 8],
};

const tiers = ['gold', 'silver', 'bronze'];

type Kind = 'labels' | 'taints' | 'cordons' | 'readyFlaps' | 'nodeAddRemove' | 'podChurn';

/** Seeded, deterministic cluster churn driven by a single interval timer. */
export class ChurnEngine {
  private timer: NodeJS.Timeout | undefined;
  private rng: Prng;
  private opts = defaultChurn;
  private acc: Record<Kind, number> = {
    labels: 0,
    taints: 0,
    cordons: 0,
    readyFlaps: 0,
    nodeAddRemove: 0,
    podChurn: 0,
  };
  private readonly down = new Map<string, number>();
  private tickNo = 0;
  private targetNodes = 0;

  constructor(
    private readonly store: SimStore,
    private readonly pods: PodController,
    private readonly seed: number,
  ) {
    this.rng = new Prng(seed ^ 0x5eed);
  }

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(opts: ChurnOptions = {}): void {
    this.stop();
    this.opts = { ...defaultChurn, ...opts };
    if (opts.seed !== undefined) this.rng = new Prng(opts.seed);
    this.targetNodes = this.store.count('nodes');
    this.timer = setInterval(() => this.tick(), this.opts.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One churn step; public so tests can drive churn without timers. */
  tick(): void {
    this.tickNo++;
    const names = this.store.nodeNames().sort();
    if (names.length === 0) return;
    for (const [name, until] of [...this.down]) {
      if (until > this.tickNo) continue;
      this.down.delete(name);
      this.safe(() => this.store.setNodeReady(name, true));
    }
    const secs = this.opts.tickMs / 1000;
    const run = (kind: Kind, rate: number, fn: () => void) => {
      this.acc[kind] += rate * secs;
      while (this.acc[kind] >= 1) {
        this.acc[kind] -= 1;
        this.safe(fn);
      }
    };
    const pick = () => this.rng.pick(names);
    run('labels', this.opts.labelsPerSec, () => {
      const n = pick();
      const t = this.rng.int(tiers.length + 1);
      this.store.setNodeLabels(n, { 'sim.knm.dev/tier': t < tiers.length ? tiers[t]! : null });
    });
    run('taints', this.opts.taintsPerSec, () => {
      const n = pick();
      const node = this.store.getNode(n);
      const taints = (
        (node.spec as { taints?: Array<{ key: string; value?: string; effect: string }> } | undefined)
          ?.taints ?? []
      ).slice();
      const i = taints.findIndex((t) => t.key === 'sim.knm.dev/maintenance');
      if (i >= 0) taints.splice(i, 1);
      else
        taints.push({
          key: 'sim.knm.dev/maintenance',
          value: 'true',
          effect: this.rng.pick(['NoSchedule', 'PreferNoSchedule']),
        });
      this.store.setNodeTaints(n, taints);
    });
    run('cordons', this.opts.cordonsPerSec, () => {
      const n = pick();
      const spec = this.store.getNode(n).spec as { unschedulable?: boolean } | undefined;
      this.store.cordonNode(n, !spec?.unschedulable);
    });
    run('readyFlaps', this.opts.readyFlapsPerSec, () => {
      const n = pick();
      if (this.down.has(n)) return;
      const [lo, hi] = this.opts.notReadyTicks;
      this.down.set(n, this.tickNo + lo + this.rng.int(Math.max(1, hi - lo + 1)));
      this.store.setNodeReady(n, false);
    });
    run('nodeAddRemove', this.opts.nodeAddRemovePerSec, () => {
      const count = this.store.count('nodes');
      const add = count < this.targetNodes ? true : count > this.targetNodes ? false : this.rng.chance(0.5);
      if (add) addNode(this.store, this.pods);
      else {
        const victim = names.filter(
          (x) => !x.startsWith('control-plane') && this.store.tryGet('nodes', undefined, x),
        );
        if (victim.length > 1) removeNode(this.store, this.rng.pick(victim));
      }
    });
    run('podChurn', this.opts.podChurnPerSec, () => {
      if (this.pods.opts.podsPerNode <= 1) return;
      const pods = this.store.list('pods', {
        namespace: 'apps',
        limit: 200,
        fieldSelector: 'status.phase=Running',
      }).items;
      const victim = pods.length ? this.rng.pick(pods).obj : undefined;
      if (victim && !victim.metadata.deletionTimestamp)
        this.pods.deletePod('apps', victim.metadata.name, undefined);
      const node: KObj | undefined = this.store.tryGet('nodes', undefined, pick());
      if (!node) return;
      const hostIP =
        (
          (node.status as { addresses?: Array<{ type: string; address: string }> } | undefined)?.addresses ??
          []
        ).find((a) => a.type === 'InternalIP')?.address ?? '';
      this.pods.createWorkloadPod(
        node.metadata.name,
        hostIP,
        `10.244.${this.rng.int(256)}.${1 + this.rng.int(254)}`,
      );
    });
  }

  private safe(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      if (!(err instanceof SimApiError)) throw err;
    }
  }
}
