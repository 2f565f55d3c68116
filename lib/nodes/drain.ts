import { AppsV1Api, CoreV1Api, PolicyV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import type { DrainPodProgress } from '@/lib/protocol/messages';
import { fromK8sError, k8sStatusCode, NodeOpError } from './errors';
import { daemonSetsOf, planDrain, type DrainOptions, type PodRef } from './drain-plan';

export interface DrainDeps {
  kubeConfig: KubeConfig;
  node: string;
  options: DrainOptions;
  cordon: () => Promise<unknown>;
  signal?: AbortSignal;
  /** pause between eviction retries after a PodDisruptionBudget refusal (429) and between "gone?" checks */
  retryMs?: number;
  /** every change of a pod's state: evicting, waiting on a budget (named), terminating, gone */
  onEvent?: (event: DrainPodProgress) => void;
}

export interface DrainResult {
  evicted: PodRef[];
  skipped: Array<PodRef & { reason: string }>;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new NodeOpError('timeout', 'drain cancelled'));
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        reject(new NodeOpError('timeout', 'drain cancelled'));
      },
      { once: true },
    );
  });

/**
 * Cordon, then evict every evictable pod through the Eviction API. A PodDisruptionBudget
 * refusal (429) is retried until the timeout and never bypassed by deleting the pod; the
 * drain finishes when the pods are gone, not when their evictions are accepted.
 */
export async function drainNode(deps: DrainDeps): Promise<DrainResult> {
  const { node, options } = deps;
  const api = deps.kubeConfig.makeApiClient(CoreV1Api);
  const retryMs = deps.retryMs ?? 1000;
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const timedOut = (what: string) =>
    new NodeOpError('timeout', `drain of node ${node} timed out after ${options.timeoutSeconds} s: ${what}`);

  // One list call answers both "which pods are here?" and, later, "are they gone yet?"; only
  // list/watch on pods is needed (the ClusterRole in deploy/base grants no get).
  const podsOnNode = async (): Promise<V1Pod[]> => {
    try {
      return (await api.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` })).items;
    } catch (err) {
      throw fromK8sError(err, `pods on node ${node}`);
    }
  };

  const planNow = async () => {
    const pods = await podsOnNode();
    const plan = planDrain(pods, options, await missingDaemonSets(deps.kubeConfig, pods));
    if (plan.blockers.length) {
      const list = plan.blockers.map((b) => `${b.namespace}/${b.name} (${b.reason})`).join(', ');
      throw new NodeOpError('blocked', `cannot drain node ${node}: ${list}`, { blockers: plan.blockers });
    }
    return { pods, plan };
  };
  // A drain that would be refused leaves the node schedulable (kubectl cordons first and leaves it
  // cordoned); the check is repeated after the cordon for pods scheduled in between.
  await planNow();
  await deps.cordon();
  const { pods, plan } = await planNow();
  const event = (pod: PodRef, state: DrainPodProgress['state'], extra: Partial<DrainPodProgress> = {}) =>
    deps.onEvent?.({ namespace: pod.namespace, name: pod.name, state, ...extra });

  const evictOne = async (pod: PodRef) => {
    for (;;) {
      event(pod, 'evicting');
      try {
        await api.createNamespacedPodEviction({
          name: pod.name,
          namespace: pod.namespace,
          body: {
            apiVersion: 'policy/v1',
            kind: 'Eviction',
            metadata: { name: pod.name, namespace: pod.namespace },
            deleteOptions:
              options.gracePeriodSeconds === undefined
                ? undefined
                : { gracePeriodSeconds: options.gracePeriodSeconds },
          },
        });
        event(pod, 'terminating');
        return;
      } catch (err) {
        const code = k8sStatusCode(err);
        if (code === 404) return;
        if (code !== 429) {
          event(pod, 'failed');
          throw fromK8sError(err, `eviction of ${pod.namespace}/${pod.name} from node ${node}`);
        }
        const msg = fromK8sError(err, `${pod.namespace}/${pod.name}`).message;
        event(pod, 'waiting_pdb', { message: msg, pdb: await budgetOf(deps.kubeConfig, pod, msg) });
        if (Date.now() + retryMs > deadline)
          throw timedOut(`${msg} (still refused; the budget was not bypassed)`);
        await sleep(retryMs, deps.signal);
      }
    }
  };
  await Promise.all(plan.evict.map(evictOne));

  // A pod is gone when no pod with its uid is on the node any more: a StatefulSet's replacement
  // has the same name but a new uid, and may even be scheduled back here once uncordoned.
  const uidOf = new Map(pods.map((p) => [`${p.metadata?.namespace}/${p.metadata?.name}`, p.metadata?.uid]));
  const remaining = new Map(
    plan.evict.map((p) => [`${p.namespace}/${p.name}`, uidOf.get(`${p.namespace}/${p.name}`)]),
  );
  while (remaining.size) {
    const present = new Set((await podsOnNode()).map((p) => p.metadata?.uid));
    for (const [key, uid] of [...remaining]) {
      if (present.has(uid)) continue;
      const [namespace, name] = key.split('/') as [string, string];
      remaining.delete(key);
      event({ namespace, name }, 'gone');
    }
    if (!remaining.size) break;
    if (Date.now() + retryMs > deadline)
      throw timedOut(`pods still terminating: ${[...remaining].join(', ')}`);
    await sleep(Math.min(retryMs, 250), deps.signal);
  }
  return { evicted: plan.evict, skipped: plan.skipped };
}

/**
 * The budget refusing an eviction, named by the apiserver's refusal ("The disruption budget NAME
 * needs…"), with its allowed disruptions when it can be read (optional: RBAC may not grant it).
 */
async function budgetOf(
  kc: KubeConfig,
  pod: PodRef,
  refusal: string,
): Promise<DrainPodProgress['pdb'] | undefined> {
  const name = /disruption budget ([a-z0-9.-]+)/i.exec(refusal)?.[1];
  if (!name) return undefined;
  try {
    const pdb = await kc
      .makeApiClient(PolicyV1Api)
      .readNamespacedPodDisruptionBudget({ name, namespace: pod.namespace });
    return { name, disruptionsAllowed: pdb.status?.disruptionsAllowed };
  } catch {
    return { name };
  }
}

/** DaemonSets named by the node's pods that no longer exist (kubectl drain's orphan check). */
async function missingDaemonSets(kc: KubeConfig, pods: V1Pod[]): Promise<Set<string>> {
  const apps = kc.makeApiClient(AppsV1Api);
  const missing = new Set<string>();
  for (const key of daemonSetsOf(pods)) {
    const [namespace, name] = key.split('/') as [string, string];
    try {
      await apps.readNamespacedDaemonSet({ name, namespace });
    } catch (err) {
      if (k8sStatusCode(err) === 404) missing.add(key);
      else throw fromK8sError(err, `DaemonSet ${key}`);
    }
  }
  return missing;
}
