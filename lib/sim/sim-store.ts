import { createHash } from 'node:crypto';
import { makeNode, nodeName, setReadyCondition } from './node-factory';
import type { PatchType } from './patch';
import { Prng } from './prng';
import type { KObj } from './resources';
import { type ListOptions, ObjectStore, type ObjectStoreOptions, formatTime } from './store';

export interface SimStoreOptions extends ObjectStoreOptions {
  seed?: number;
}

export interface NewNodeOptions {
  name?: string;
  controlPlane?: boolean;
  labels?: Record<string, string>;
  taints?: Array<{ key: string; value?: string; effect: string }>;
}

interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

/** The simulator's store: the generic object store plus node/pod helpers used by tests, churn and controllers. */
export class SimStore extends ObjectStore {
  readonly rng: Prng;
  private nodeIndex = 0;

  constructor(opts: SimStoreOptions = {}) {
    super(opts);
    this.rng = new Prng(opts.seed ?? 1);
  }

  nowMs(): number {
    return this.now();
  }

  listNodes(opts?: ListOptions): KObj[] {
    return this.list('nodes', opts).items.map((e) => e.obj);
  }

  nodeNames(): string[] {
    return [...this.entries('nodes')].map((e) => e.obj.metadata.name);
  }

  getNode(name: string): KObj {
    return this.get('nodes', undefined, name);
  }

  createNode(opts: NewNodeOptions = {}): KObj {
    const index = this.nodeIndex++;
    const controlPlane = opts.controlPlane ?? false;
    const name =
      opts.name ?? nodeName(this.rng, controlPlane, (n) => this.tryGet('nodes', undefined, n) !== undefined);
    const node = makeNode({ name, index, controlPlane, now: this.now(), rng: this.rng });
    if (opts.labels) Object.assign(node.metadata.labels!, opts.labels);
    if (opts.taints) (node.spec as Record<string, unknown>).taints = opts.taints;
    return this.create('nodes', node);
  }

  deleteNode(name: string): KObj {
    return this.delete('nodes', undefined, name);
  }

  patchNode(name: string, patch: unknown, type: PatchType = 'strategic'): KObj {
    return this.patch('nodes', undefined, name, type, patch);
  }

  updateNode(node: KObj): KObj {
    return this.update('nodes', node, undefined, node.metadata.name);
  }

  /** Sets (string) or removes (null) labels; a no-op leaves the resourceVersion alone. */
  setNodeLabels(name: string, labels: Record<string, string | null>): KObj {
    return this.patch('nodes', undefined, name, 'merge', { metadata: { labels } });
  }

  setNodeTaints(name: string, taints: Taint[]): KObj {
    return this.mutate('nodes', undefined, name, (n) => {
      const spec = (n.spec ??= {}) as Record<string, unknown>;
      if (taints.length) spec.taints = taints;
      else delete spec.taints;
    });
  }

  cordonNode(name: string, unschedulable = true): KObj {
    return this.mutate('nodes', undefined, name, (n) => {
      const spec = (n.spec ??= {}) as Record<string, unknown>;
      if (unschedulable) spec.unschedulable = true;
      else delete spec.unschedulable;
    });
  }

  setNodeReady(name: string, ready: boolean): KObj {
    return this.mutate('nodes', undefined, name, (n) => setReadyCondition(n, ready, formatTime(this.now())));
  }

  listPods(opts?: ListOptions): KObj[] {
    return this.list('pods', opts).items.map((e) => e.obj);
  }

  getPod(namespace: string, name: string): KObj {
    return this.get('pods', namespace, name);
  }

  createPod(pod: unknown, namespace?: string): KObj {
    return this.create('pods', pod, namespace);
  }

  deletePod(namespace: string, name: string): KObj {
    return this.delete('pods', namespace, name);
  }

  /** Stable hash over every node's name, resourceVersion, labels, taints, unschedulable and condition statuses. */
  digest(): string {
    const h = createHash('sha256');
    const nodes = [...this.entries('nodes')]
      .map((e) => e.obj)
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
    for (const n of nodes) {
      const spec = (n.spec ?? {}) as { taints?: Taint[]; unschedulable?: boolean };
      const conds = (
        (n.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? []
      )
        .map((c) => `${c.type}=${c.status}`)
        .sort();
      const labels = Object.entries(n.metadata.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
      const taints = (spec.taints ?? []).map((t) => `${t.key}=${t.value ?? ''}:${t.effect}`).sort();
      h.update(
        JSON.stringify([
          n.metadata.name,
          n.metadata.resourceVersion,
          labels,
          taints,
          spec.unschedulable === true,
          conds,
        ]),
      );
      h.update('\n');
    }
    return h.digest('hex');
  }
}
