import { SimApiError, apiErrors } from './errors';
import { isPlainObject } from './json-util';
import { makePod } from './pod-factory';
import type { KObj } from './resources';
import { matchesLabels, type LabelSelector } from './selectors';
import type { SimStore } from './sim-store';
import { formatTime, type StoreEvent } from './store';

export interface PodControllerOptions {
  graceSeconds: number;
  podsPerNode: number;
}

export const daemonSetName = 'kube-proxy';
export const workloadNamespace = 'apps';

interface PdbSpec {
  minAvailable?: number | string;
  maxUnavailable?: number | string;
  selector?: {
    matchLabels?: Record<string, string>;
    matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
  };
}

/** Converts a metav1.LabelSelector into the parsed selector form. */
export function toSelector(sel: PdbSpec['selector']): LabelSelector {
  const out: LabelSelector = [];
  for (const [key, value] of Object.entries(sel?.matchLabels ?? {})) out.push({ key, op: 'eq', value });
  for (const e of sel?.matchExpressions ?? []) {
    if (e.operator === 'In' || e.operator === 'NotIn')
      out.push({ key: e.key, op: e.operator === 'In' ? 'in' : 'notin', values: e.values ?? [] });
    else out.push({ key: e.key, op: e.operator === 'Exists' ? 'exists' : 'not_exists' });
  }
  return out;
}

function scaled(v: number | string, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) return Number(v) || 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

function isHealthy(pod: KObj): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  const st = pod.status as
    { phase?: string; conditions?: Array<{ type: string; status: string }> } | undefined;
  return (
    st?.phase === 'Running' && (st.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True')
  );
}

export interface PdbStatus {
  observedGeneration: number;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
}

/** Computes a PDB's status from the pods it selects (pure). */
export function computePdbStatus(pdb: KObj, pods: KObj[]): PdbStatus {
  const spec = (pdb.spec ?? {}) as PdbSpec;
  const sel = toSelector(spec.selector);
  const selected = pods.filter(
    (p) =>
      p.metadata.namespace === pdb.metadata.namespace &&
      sel.length > 0 &&
      matchesLabels(sel, p.metadata.labels),
  );
  const expected = selected.filter((p) => !p.metadata.deletionTimestamp).length;
  const healthy = selected.filter(isHealthy).length;
  let desired: number;
  if (spec.maxUnavailable !== undefined)
    desired = Math.max(0, expected - scaled(spec.maxUnavailable, expected, true));
  else desired = scaled(spec.minAvailable ?? 1, expected, true);
  return {
    observedGeneration: 1,
    disruptionsAllowed: Math.max(0, healthy - desired),
    currentHealthy: healthy,
    desiredHealthy: desired,
    expectedPods: expected,
  };
}

/** Simulates graceful pod deletion, the eviction subresource with PDB checks, and PDB status updates. */
export class PodController {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly unsubscribe: () => void;
  private seq = 0;
  /** eviction requests answered: accepted (the pod is deleted) or refused with 429 by a budget */
  readonly evictions = { accepted: 0, refusedByBudget: 0 };

  constructor(
    private readonly store: SimStore,
    readonly opts: PodControllerOptions,
  ) {
    this.unsubscribe = store.subscribe((ev) => this.onEvent(ev));
  }

  stop(): void {
    this.unsubscribe();
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }

  /** Creates the daemon pod (and podsPerNode-1 workload pods) for one node. */
  spawnPodsForNode(node: KObj, count = this.opts.podsPerNode): void {
    if (count <= 0) return;
    const ds = this.store.tryGet('daemonsets', 'kube-system', daemonSetName);
    const rng = this.store.rng;
    const hostIP =
      ((node.status as { addresses?: Array<{ type: string; address: string }> }).addresses ?? []).find(
        (a) => a.type === 'InternalIP',
      )?.address ?? '10.0.0.1';
    const nodeName = node.metadata.name;
    const base = { nodeName, hostIP, now: this.store.nowMs(), graceSeconds: this.opts.graceSeconds };
    const podIP = () => `10.244.${rng.int(256)}.${1 + rng.int(254)}`;
    if (ds) {
      this.store.createPod(
        makePod({
          ...base,
          name: this.uniqueName('kube-system', `${daemonSetName}-`),
          namespace: 'kube-system',
          podIP: hostIP,
          labels: {
            'k8s-app': daemonSetName,
            'controller-revision-hash': '7f9c8d6b5',
            'pod-template-generation': '1',
          },
          owner: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: daemonSetName, uid: ds.metadata.uid! },
          image: 'registry.k8s.io/kube-proxy:v1.31.4',
          cpuMilli: 100,
          memMi: 64,
          daemon: true,
        }),
      );
    }
    for (let i = 1; i < count; i++) this.createWorkloadPod(node.metadata.name, hostIP, podIP());
  }

  createWorkloadPod(nodeName: string, hostIP: string, podIP: string): KObj {
    const rng = this.store.rng;
    const app = rng.pick(['web', 'api', 'worker', 'cache']);
    return this.store.createPod(
      makePod({
        nodeName,
        hostIP,
        podIP,
        now: this.store.nowMs(),
        graceSeconds: this.opts.graceSeconds,
        name: this.uniqueName(workloadNamespace, `${app}-7d4b9c${this.seq++ % 10}f8-`),
        namespace: workloadNamespace,
        labels: { app, 'pod-template-hash': '7d4b9c6f8' },
        owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-7d4b9c6f8`, uid: `rs-${app}` },
        image: `docker.io/library/${app === 'cache' ? 'redis:7.4' : 'nginx:1.27.3'}`,
        cpuMilli: 50 + rng.int(8) * 50,
        memMi: 64 + rng.int(8) * 64,
        emptyDir: app === 'worker',
      }),
    );
  }

  private uniqueName(namespace: string, prefix: string): string {
    for (;;) {
      const name = prefix + this.store.rng.alnum(5);
      if (!this.store.tryGet('pods', namespace, name)) return name;
    }
  }

  /** DELETE on a pod: graceful (deletionTimestamp now, object gone after the grace period) unless grace is 0. */
  deletePod(
    namespace: string,
    name: string,
    graceSeconds: number | undefined,
    pre?: { uid?: string; resourceVersion?: string },
  ): KObj {
    const pod = this.store.getPod(namespace, name);
    if (pre?.uid && pre.uid !== pod.metadata.uid) return this.store.delete('pods', namespace, name, pre);
    const specGrace = (pod.spec as { terminationGracePeriodSeconds?: number } | undefined)
      ?.terminationGracePeriodSeconds;
    const grace =
      graceSeconds !== undefined && graceSeconds >= 0 ? graceSeconds : (specGrace ?? this.opts.graceSeconds);
    if (grace === 0) {
      this.clearTimer(namespace, name);
      return this.store.delete('pods', namespace, name, pre);
    }
    if (pod.metadata.deletionTimestamp) return pod;
    const now = this.store.nowMs();
    const updated = this.store.mutate('pods', namespace, name, (p) => {
      p.metadata.deletionTimestamp = formatTime(now + grace * 1000);
      p.metadata.deletionGracePeriodSeconds = grace;
    });
    const key = `${namespace}/${name}`;
    this.clearTimer(namespace, name);
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        const cur = this.store.tryGet('pods', namespace, name);
        if (cur && cur.metadata.uid === pod.metadata.uid) this.store.delete('pods', namespace, name);
      }, grace * 1000),
    );
    return updated;
  }

  private clearTimer(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    const t = this.timers.get(key);
    if (t) clearTimeout(t);
    this.timers.delete(key);
  }

  /** POST pods/{name}/eviction: 429 when a PodDisruptionBudget would be violated. */
  evict(namespace: string, name: string, body: unknown): void {
    const pod = this.store.getPod(namespace, name);
    if (
      isPlainObject(body) &&
      isPlainObject(body.metadata) &&
      body.metadata.name !== undefined &&
      body.metadata.name !== name
    ) {
      throw apiErrors.badRequest(`name in URL does not match name in Eviction object`);
    }
    const delOpts = isPlainObject(body) && isPlainObject(body.deleteOptions) ? body.deleteOptions : {};
    const grace = typeof delOpts.gracePeriodSeconds === 'number' ? delOpts.gracePeriodSeconds : undefined;
    if (pod.metadata.deletionTimestamp) return;
    const pdbs = this.store
      .list('poddisruptionbudgets', { namespace })
      .items.map((e) => e.obj)
      .filter((pdb) => {
        const sel = toSelector((pdb.spec as PdbSpec | undefined)?.selector);
        return sel.length > 0 && matchesLabels(sel, pod.metadata.labels);
      });
    if (pdbs.length > 1)
      throw new SimApiError(
        500,
        'InternalError',
        'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
      );
    const pdb = pdbs[0];
    if (pdb && isHealthy(pod)) {
      const st = computePdbStatus(pdb, this.store.listPods({ namespace }));
      if (st.disruptionsAllowed <= 0) {
        this.evictions.refusedByBudget++;
        throw apiErrors.tooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", {
          causes: [
            {
              reason: 'DisruptionBudget',
              message: `The disruption budget ${pdb.metadata.name} needs ${st.desiredHealthy} healthy pods and has ${st.currentHealthy} currently`,
            },
          ],
        });
      }
    }
    this.evictions.accepted++;
    this.deletePod(namespace, name, grace);
  }

  private onEvent(ev: StoreEvent): void {
    if (ev.resource === 'nodes' && ev.type === 'DELETED') {
      for (const p of this.store.listPods({ fieldSelector: `spec.nodeName=${ev.entry.obj.metadata.name}` })) {
        this.clearTimer(p.metadata.namespace!, p.metadata.name);
        this.store.delete('pods', p.metadata.namespace, p.metadata.name);
      }
      return;
    }
    if (ev.resource !== 'pods' && !(ev.resource === 'poddisruptionbudgets' && ev.type !== 'DELETED')) return;
    const ns = ev.entry.obj.metadata.namespace!;
    if (this.store.count('poddisruptionbudgets') === 0) return;
    const pdbs = this.store.list('poddisruptionbudgets', { namespace: ns }).items;
    if (pdbs.length === 0) return;
    const pods = this.store.listPods({ namespace: ns });
    for (const e of pdbs) {
      const st = computePdbStatus(e.obj, pods);
      this.store.mutate('poddisruptionbudgets', ns, e.obj.metadata.name, (d) => {
        const prev = (d.status ?? {}) as Record<string, unknown>;
        const allowed = st.disruptionsAllowed > 0;
        const prevCond = (prev.conditions as Array<Record<string, unknown>> | undefined)?.[0];
        const condStatus = allowed ? 'True' : 'False';
        const cond =
          prevCond && prevCond.status === condStatus
            ? prevCond
            : {
                type: 'DisruptionAllowed',
                status: condStatus,
                reason: allowed ? 'SufficientPods' : 'InsufficientPods',
                message: '',
                observedGeneration: 1,
                lastTransitionTime: formatTime(this.store.nowMs()),
              };
        d.status = { ...st, disruptedPods: prev.disruptedPods ?? {}, conditions: [cond] };
      });
    }
  }
}
