import type { KObj } from './resources';
import type { SimStore } from './sim-store';
import { formatTime, type StoreEvent } from './store';

export const unschedulableTaintKey = 'node.kubernetes.io/unschedulable';
export const notReadyTaintKey = 'node.kubernetes.io/not-ready';

interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}

function isReady(node: KObj): boolean {
  const conds = (node.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? [];
  return conds.find((c) => c.type === 'Ready')?.status === 'True';
}

/** The taints the node-lifecycle "controller" wants, given spec.unschedulable and the Ready condition; undefined = already right. */
export function desiredTaints(node: KObj, nowIso: string): Taint[] | undefined {
  const spec = (node.spec ?? {}) as { taints?: Taint[]; unschedulable?: boolean };
  const taints = spec.taints ?? [];
  const want: Array<[string, boolean]> = [
    [unschedulableTaintKey, spec.unschedulable === true],
    [notReadyTaintKey, !isReady(node)],
  ];
  let next = taints;
  for (const [key, present] of want) {
    const has = next.some((t) => t.key === key && t.effect === 'NoSchedule');
    if (present && !has) next = [...next, { key, effect: 'NoSchedule', timeAdded: nowIso }];
    if (!present && has) next = next.filter((t) => !(t.key === key && t.effect === 'NoSchedule'));
  }
  return next === taints ? undefined : next;
}

/** Subscribes the cordon/not-ready taint controller; its writes are separate events with their own resourceVersions. */
export function startNodeLifecycle(store: SimStore): () => void {
  return store.subscribe((ev: StoreEvent) => {
    if (ev.resource !== 'nodes' || ev.type === 'DELETED') return;
    const want = desiredTaints(ev.entry.obj, formatTime(store.nowMs()));
    if (!want) return;
    const cur = store.entry('nodes', undefined, ev.entry.obj.metadata.name);
    if (!cur || cur.rv !== ev.rv) return;
    store.setNodeTaints(ev.entry.obj.metadata.name, want);
  });
}
