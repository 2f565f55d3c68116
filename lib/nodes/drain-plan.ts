import type { V1Pod } from '@kubernetes/client-node';
import { z } from 'zod';
import { tickHint, type DrainOptionName } from '@/lib/protocol/drain-options';

export const drainOptionsSchema = z
  .object({
    ignoreDaemonSets: z.boolean().default(true),
    deleteEmptyDirData: z.boolean().default(false),
    /** evict pods that no controller owns (they will not come back) */
    force: z.boolean().default(false),
    gracePeriodSeconds: z.number().int().min(0).max(3600).optional(),
    timeoutSeconds: z.number().int().min(1).max(3600).default(300),
  })
  .strict();
export type DrainOptions = z.infer<typeof drainOptionsSchema>;

export interface PodRef {
  namespace: string;
  name: string;
}
export interface DrainPlan {
  evict: PodRef[];
  skipped: Array<PodRef & { reason: string }>;
  /** pods that stop the drain before anything is evicted, as kubectl drain refuses them; `option` lifts it */
  blockers: Array<PodRef & { reason: string; option?: DrainOptionName }>;
}

const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

const ref = (p: V1Pod): PodRef => ({
  namespace: p.metadata?.namespace ?? 'default',
  name: p.metadata?.name ?? '',
});

/** The DaemonSets a node's running pods name as their controller, as `namespace/name`. */
export function daemonSetsOf(pods: V1Pod[]): string[] {
  const out = new Set<string>();
  for (const pod of pods) {
    const phase = pod.status?.phase;
    const controller = pod.metadata?.ownerReferences?.find((o) => o.controller);
    if (controller?.kind === 'DaemonSet' && phase !== 'Succeeded' && phase !== 'Failed')
      out.add(`${ref(pod).namespace}/${controller.name}`);
  }
  return [...out];
}

/**
 * Decides, like `kubectl drain`, which pods on a node are evicted, skipped, or block the drain.
 * `missingDaemonSets` (`namespace/name`) are DaemonSets that no longer exist: their pods are
 * orphans that nothing recreates elsewhere, so they are evicted only with `force`.
 */
export function planDrain(
  pods: V1Pod[],
  opts: DrainOptions,
  missingDaemonSets: ReadonlySet<string> = new Set(),
): DrainPlan {
  const plan: DrainPlan = { evict: [], skipped: [], blockers: [] };
  for (const pod of pods) {
    const r = ref(pod);
    if (pod.metadata?.annotations?.[MIRROR_ANNOTATION] !== undefined) {
      plan.skipped.push({ ...r, reason: 'mirror pod (managed by the kubelet)' });
      continue;
    }
    const phase = pod.status?.phase;
    const finished = phase === 'Succeeded' || phase === 'Failed';
    const controller = pod.metadata?.ownerReferences?.find((o) => o.controller);
    const orphan =
      controller?.kind === 'DaemonSet' && missingDaemonSets.has(`${r.namespace}/${controller.name}`);
    if (orphan && !finished && !opts.force) {
      plan.blockers.push({
        ...r,
        reason: `its DaemonSet ${controller.name} no longer exists; ${tickHint('force')} to evict it`,
        option: 'force',
      });
      continue;
    }
    if (controller?.kind === 'DaemonSet' && !finished && !orphan) {
      if (opts.ignoreDaemonSets)
        plan.skipped.push({ ...r, reason: `DaemonSet-managed (${controller.name})` });
      else
        plan.blockers.push({
          ...r,
          reason: `DaemonSet-managed pod; ${tickHint('ignoreDaemonSets')} to leave it running`,
          option: 'ignoreDaemonSets',
        });
      continue;
    }
    if (!controller && !finished && !opts.force) {
      plan.blockers.push({
        ...r,
        reason: `not managed by a controller; ${tickHint('force')} to evict it`,
        option: 'force',
      });
      continue;
    }
    const emptyDir = pod.spec?.volumes?.some((v) => v.emptyDir !== undefined) ?? false;
    if (emptyDir && !finished && !opts.deleteEmptyDirData) {
      plan.blockers.push({
        ...r,
        reason: `uses emptyDir local data; ${tickHint('deleteEmptyDirData')} to evict it (the data is lost)`,
        option: 'deleteEmptyDirData',
      });
      continue;
    }
    plan.evict.push(r);
  }
  return plan;
}
