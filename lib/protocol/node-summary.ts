import { z } from 'zod';

/** The categories a node update is classified into; an update with none of them is noise. */
export const changeKinds = [
  'labels',
  'annotations',
  'taints',
  'schedulable',
  'status',
  'conditions',
  'addresses',
  'capacity',
  'node_info',
  'pods',
] as const;
export const changeKindSchema = z.enum(changeKinds);
export type ChangeKind = z.infer<typeof changeKindSchema>;

export const nodeStatusSchema = z.enum(['Ready', 'NotReady', 'Unknown']);
export type NodeStatus = z.infer<typeof nodeStatusSchema>;

export const taintEffects = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;
export const taintEffectSchema = z.enum(taintEffects);
export type TaintEffect = z.infer<typeof taintEffectSchema>;

export const taintSchema = z.object({
  key: z.string(),
  value: z.string().optional(),
  effect: taintEffectSchema,
  timeAdded: z.string().optional(),
});
export type Taint = z.infer<typeof taintSchema>;

export const conditionSchema = z.object({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
  lastTransitionTime: z.string().optional(),
});

export const addressSchema = z.object({ type: z.string(), address: z.string() });

const resourceListSchema = z.record(z.string(), z.string());

/** Static attributes: shared by reference in the cache while unchanged. */
export const nodeStaticSchema = z.object({
  addresses: z.array(addressSchema),
  capacity: resourceListSchema,
  allocatable: resourceListSchema,
  nodeInfo: z.object({
    kubeletVersion: z.string(),
    kubeProxyVersion: z.string().optional(),
    osImage: z.string(),
    kernelVersion: z.string(),
    containerRuntimeVersion: z.string(),
    architecture: z.string(),
    operatingSystem: z.string(),
  }),
});

export const podStatsSchema = z.object({
  count: z.number().int().nonnegative(),
  cpuRequestsMilli: z.number().nonnegative(),
  memoryRequestsBytes: z.number().nonnegative(),
  phases: z.record(z.string(), z.number().int().nonnegative()),
});
export type PodStats = z.infer<typeof podStatsSchema>;

/**
 * The slim per-node record kept in the SmartCache and pushed to browsers.
 * Never carries managedFields, images or other bulk of the full Node object.
 */
export const nodeSummarySchema = z.object({
  name: z.string(),
  uid: z.string(),
  resourceVersion: z.string(),
  creationTimestamp: z.string(),
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()),
  taints: z.array(taintSchema),
  unschedulable: z.boolean(),
  status: nodeStatusSchema,
  conditions: z.array(conditionSchema),
  roles: z.array(z.string()),
  podCIDR: z.string().optional(),
  static: nodeStaticSchema,
  pods: podStatsSchema,
});
export type NodeSummary = z.infer<typeof nodeSummarySchema>;
