import { z } from 'zod';

/**
 * Annotations every cordon made by this app writes on the node (single, batch, or a drain's): who, why
 * and when. The server writes them (lib/nodes/node-edits.ts); the UI shows them beside the cordon.
 */
export const CORDON_REASON_ANNOTATION = 'kube-node-manager.io/cordon-reason';
export const CORDON_BY_ANNOTATION = 'kube-node-manager.io/cordoned-by';
export const CORDON_AT_ANNOTATION = 'kube-node-manager.io/cordoned-at';

/**
 * Who cordoned a node, why and when, as the node detail answers it (lib/nodes/cordon-origin.ts):
 * `app` from the annotations above, `audit` from this app's audit log when the annotations are gone,
 * `outside` when neither knows (kubectl, an autoscaler): `at` is then the time the node lifecycle
 * controller added the `node.kubernetes.io/unschedulable` taint, when it did.
 */
export const cordonSources = ['app', 'audit', 'outside'] as const;
export const cordonInfoSchema = z.object({
  source: z.enum(cordonSources),
  by: z.string().optional(),
  reason: z.string().optional(),
  /** ISO time */
  at: z.string().optional(),
});
export type CordonInfo = z.infer<typeof cordonInfoSchema>;

/** The taint Kubernetes' node lifecycle controller adds to every node with spec.unschedulable. */
export const UNSCHEDULABLE_TAINT_KEY = 'node.kubernetes.io/unschedulable';
