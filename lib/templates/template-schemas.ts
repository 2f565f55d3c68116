import { z } from 'zod';
import { clusterNameSchema, dnsLabelSchema } from '@/lib/protocol/names';
import { labelEditSchema, taintEditSchema } from '@/lib/nodes/node-edits';
import { exactlyOneTarget, nodeTargetShape } from '@/lib/operations/batch';

const name = dnsLabelSchema('template');

const noConfirm = {
  message: 'confirmSystem is not stored in a template; pass it when applying (admins only)',
};
// A stored confirmation would let whoever edits a template pre-approve system keys for an admin.
const labelSpec = labelEditSchema.refine((s) => s.confirmSystem === undefined, noConfirm);
const taintSpec = taintEditSchema.refine((s) => s.confirmSystem === undefined, noConfirm);

/** A named label or taint edit, applied to one node or a batch like any other edit. */
export const templateBody = z.discriminatedUnion('kind', [
  z
    .object({ name, kind: z.literal('labels'), spec: labelSpec, description: z.string().max(500).optional() })
    .strict(),
  z
    .object({ name, kind: z.literal('taints'), spec: taintSpec, description: z.string().max(500).optional() })
    .strict(),
]);
export type TemplateInput = z.infer<typeof templateBody>;

export const templateIdParams = z.object({ id: z.uuid({ message: 'must be a template id' }) });

export const applyTemplateBody = z
  .object({
    cluster: clusterNameSchema,
    ...nodeTargetShape,
    /** an admin applying a template that touches kubernetes.io / k8s.io keys must say so here */
    confirmSystem: z.boolean().optional(),
  })
  .strict()
  .refine(...exactlyOneTarget);
