import { z } from 'zod';
import {
  CORDON_AT_ANNOTATION,
  CORDON_BY_ANNOTATION,
  CORDON_REASON_ANNOTATION,
} from '@/lib/protocol/cordon-annotations';
import { taintEffects, type Taint } from '@/lib/protocol/node-summary';
import { isSystemKey, labelValueErrors, qualifiedNameErrors } from '@/lib/shared/k8s-names';

export { isSystemKey };

export { taintEffects };

const MAX_ENTRIES = 200;

export const labelEditSchema = z
  .object({
    set: z.record(z.string(), z.string()).optional(),
    remove: z.array(z.string()).max(MAX_ENTRIES).optional(),
    /** admins must say so explicitly to touch kubernetes.io / k8s.io keys */
    confirmSystem: z.boolean().optional(),
  })
  .strict()
  .refine((v) => Object.keys(v.set ?? {}).length + (v.remove?.length ?? 0) > 0, {
    message: 'give at least one label to set or remove',
  })
  // The same bound for a single node and for every node of a batch or template.
  .refine((v) => Object.keys(v.set ?? {}).length <= MAX_ENTRIES, {
    message: `set at most ${MAX_ENTRIES} labels at once`,
    path: ['set'],
  });
export type LabelEdit = z.infer<typeof labelEditSchema>;

export const taintSchema = z
  .object({ key: z.string(), value: z.string().optional(), effect: z.enum(taintEffects) })
  .strict();
export const taintEditSchema = z
  .object({
    add: z.array(taintSchema).max(MAX_ENTRIES).optional(),
    remove: z
      .array(z.object({ key: z.string(), effect: z.enum(taintEffects).optional() }).strict())
      .max(MAX_ENTRIES)
      .optional(),
    confirmSystem: z.boolean().optional(),
  })
  .strict()
  .refine((v) => (v.add?.length ?? 0) + (v.remove?.length ?? 0) > 0, {
    message: 'give at least one taint to add or remove',
  });
export type TaintEdit = z.infer<typeof taintEditSchema>;

export interface FieldError {
  field: string;
  message: string;
}

function keyErrors(
  field: string,
  key: string,
  confirmSystem: boolean | undefined,
  isAdmin: boolean,
): FieldError[] {
  const errs = qualifiedNameErrors(key).map((m) => ({
    field,
    message: `invalid key ${JSON.stringify(key)}: ${m}`,
  }));
  if (errs.length === 0 && isSystemKey(key) && !(isAdmin && confirmSystem)) {
    errs.push({
      field,
      message: `${JSON.stringify(key)} is a system key; only an admin may change it, with confirmSystem: true`,
    });
  }
  return errs;
}

/** Validates with Kubernetes' own rules before anything is sent to the API server. */
export function validateLabelEdit(edit: LabelEdit, isAdmin: boolean): FieldError[] {
  const errs: FieldError[] = [];
  for (const [key, value] of Object.entries(edit.set ?? {})) {
    errs.push(...keyErrors(`set.${key}`, key, edit.confirmSystem, isAdmin));
    for (const m of labelValueErrors(value))
      errs.push({ field: `set.${key}`, message: `invalid value ${JSON.stringify(value)}: ${m}` });
  }
  (edit.remove ?? []).forEach((key, i) => {
    errs.push(...keyErrors(`remove[${i}]`, key, edit.confirmSystem, isAdmin));
    if (edit.set && key in edit.set)
      errs.push({ field: `remove[${i}]`, message: `${key} is both set and removed` });
  });
  return errs;
}

export function validateTaintEdit(edit: TaintEdit, isAdmin: boolean): FieldError[] {
  const errs: FieldError[] = [];
  (edit.add ?? []).forEach((t, i) => {
    errs.push(...keyErrors(`add[${i}].key`, t.key, edit.confirmSystem, isAdmin));
    for (const m of labelValueErrors(t.value ?? ''))
      errs.push({ field: `add[${i}].value`, message: `invalid value: ${m}` });
  });
  // Removing a system taint (node-role.kubernetes.io/control-plane, node.kubernetes.io/*) is as
  // consequential as adding one: the same admin-with-confirmation rule applies.
  (edit.remove ?? []).forEach((t, i) => {
    errs.push(...keyErrors(`remove[${i}].key`, t.key, edit.confirmSystem, isAdmin));
  });
  return errs;
}

/** The merge-patch labels object for an edit against the labels it was computed from; null deletes. */
export function labelPatch(
  current: Record<string, string>,
  edit: LabelEdit,
): Record<string, string | null> | null {
  const patch: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(edit.set ?? {})) if (current[k] !== v) patch[k] = v;
  for (const k of edit.remove ?? []) if (k in current) patch[k] = null;
  return Object.keys(patch).length ? patch : null;
}

/** The whole new taint list (spec.taints is atomic); null when nothing changes. */
export function applyTaintEdit(current: Taint[], edit: TaintEdit): Taint[] | null {
  const removes = edit.remove ?? [];
  let next = current.filter(
    (t) => !removes.some((r) => r.key === t.key && (!r.effect || r.effect === t.effect)),
  );
  for (const add of edit.add ?? []) {
    const taint: Taint = add.value
      ? { key: add.key, value: add.value, effect: add.effect }
      : { key: add.key, effect: add.effect };
    const i = next.findIndex((t) => t.key === add.key && t.effect === add.effect);
    if (i >= 0) next = next.map((t, j) => (j === i ? { ...t, ...taint } : t));
    else next = [...next, taint];
  }
  const same =
    next.length === current.length &&
    next.every((t, i) => {
      const c = current[i];
      return (
        c !== undefined && c.key === t.key && c.effect === t.effect && (c.value ?? '') === (t.value ?? '')
      );
    });
  return same ? null : next;
}

export { CORDON_AT_ANNOTATION, CORDON_BY_ANNOTATION, CORDON_REASON_ANNOTATION };

/** Cordon as the original product did: spec.unschedulable plus who, when and why in annotations. */
export function cordonPatch(user: string, reason: string | undefined, now: Date): Record<string, unknown> {
  return {
    spec: { unschedulable: true },
    metadata: {
      annotations: {
        [CORDON_REASON_ANNOTATION]: reason ?? '',
        [CORDON_BY_ANNOTATION]: user,
        [CORDON_AT_ANNOTATION]: now.toISOString(),
      },
    },
  };
}

export function uncordonPatch(): Record<string, unknown> {
  return {
    spec: { unschedulable: null },
    metadata: {
      annotations: {
        [CORDON_REASON_ANNOTATION]: null,
        [CORDON_BY_ANNOTATION]: null,
        [CORDON_AT_ANNOTATION]: null,
      },
    },
  };
}
