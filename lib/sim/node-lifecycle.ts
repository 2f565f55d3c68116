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
  const conds =
    (node.status as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? [];
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

/** Kubelet-style node Events for schedulability and readiness transitions (reason names as kubelet uses them). */
export function transitionReasons(prev: KObj, cur: KObj): string[] {
  const out: string[] = [];
  const unsched = (n: KObj) => (n.spec as { unschedulable?: boolean } | undefined)?.unschedulable === true;
  if (unsched(prev) !== unsched(cur)) out.push(unsched(cur) ? 'NodeNotSchedulable' : 'NodeSchedulable');
  if (isReady(prev) !== isReady(cur)) out.push(isReady(cur) ? 'NodeReady' : 'NodeNotReady');
  return out;
}

let eventSeq = 0;

function recordNodeEvent(store: SimStore, node: KObj, reason: string): void {
  const name = node.metadata.name;
  const at = formatTime(store.nowMs());
  store.create(
    'events',
    {
      metadata: { name: `${name}.${(store.nowMs() * 1000 + (eventSeq++ % 1000)).toString(16)}` },
      involvedObject: { kind: 'Node', name, uid: name, apiVersion: 'v1' },
      reason,
      message: `Node ${name} status is now: ${reason}`,
      source: { component: 'kubelet', host: name },
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
      type: reason === 'NodeNotReady' ? 'Warning' : 'Normal',
      eventTime: null,
      reportingComponent: 'kubelet',
      reportingInstance: name,
    },
    'default',
  );
}

/** Subscribes the cordon/not-ready taint controller; its writes are separate events with their own resourceVersions. */
export function startNodeLifecycle(store: SimStore): () => void {
  return store.subscribe((ev: StoreEvent) => {
    if (ev.resource !== 'nodes' || ev.type === 'DELETED') return;
    if (ev.prev)
      for (const reason of transitionReasons(ev.prev.obj, ev.entry.obj))
        recordNodeEvent(store, ev.entry.obj, reason);
    const want = desiredTaints(ev.entry.obj, formatTime(store.nowMs()));
    if (!want) return;
    const cur = store.entry('nodes', undefined, ev.entry.obj.metadata.name);
    if (!cur || cur.rv !== ev.rv) return;
    store.setNodeTaints(ev.entry.obj.metadata.name, want);
  });
}
