import { dns1123SubdomainRe } from '@/lib/protocol/names';
import { labelValueErrors, qualifiedNameErrors } from '@/lib/shared/k8s-names';
import type { StatusCause } from './errors';

function invalid(field: string, value: unknown, detail: string): StatusCause {
  return {
    reason: 'FieldValueInvalid',
    message: `Invalid value: ${JSON.stringify(value)}: ${detail}`,
    field,
  };
}

export function validateLabels(labels: unknown, field: string): StatusCause[] {
  if (labels === undefined || labels === null) return [];
  if (typeof labels !== 'object' || Array.isArray(labels))
    return [invalid(field, labels, 'must be an object')];
  const causes: StatusCause[] = [];
  for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
    for (const e of qualifiedNameErrors(k)) causes.push(invalid(field, k, e));
    if (typeof v !== 'string') causes.push(invalid(`${field}`, v, 'label values must be strings'));
    else for (const e of labelValueErrors(v)) causes.push(invalid(field, v, e));
  }
  return causes;
}

export function validateAnnotations(annotations: unknown, field: string): StatusCause[] {
  if (annotations === undefined || annotations === null) return [];
  if (typeof annotations !== 'object' || Array.isArray(annotations))
    return [invalid(field, annotations, 'must be an object')];
  const causes: StatusCause[] = [];
  for (const [k, v] of Object.entries(annotations as Record<string, unknown>)) {
    for (const e of qualifiedNameErrors(k.toLowerCase())) causes.push(invalid(field, k, e));
    if (typeof v !== 'string') causes.push(invalid(field, v, 'annotation values must be strings'));
  }
  return causes;
}

const taintEffects = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'];

export function validateTaints(taints: unknown, field = 'spec.taints'): StatusCause[] {
  if (taints === undefined || taints === null) return [];
  if (!Array.isArray(taints)) return [invalid(field, taints, 'must be a list')];
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  taints.forEach((t: unknown, i) => {
    const f = `${field}[${i}]`;
    if (!t || typeof t !== 'object') {
      causes.push(invalid(f, t, 'must be an object'));
      return;
    }
    const taint = t as Record<string, unknown>;
    const key = taint.key;
    if (typeof key !== 'string' || key === '')
      causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${f}.key` });
    else for (const e of qualifiedNameErrors(key)) causes.push(invalid(`${f}.key`, key, e));
    if (taint.value !== undefined && taint.value !== null) {
      if (typeof taint.value !== 'string')
        causes.push(invalid(`${f}.value`, taint.value, 'must be a string'));
      else for (const e of labelValueErrors(taint.value)) causes.push(invalid(`${f}.value`, taint.value, e));
    }
    const effect = taint.effect;
    if (typeof effect !== 'string' || effect === '') {
      causes.push({ reason: 'FieldValueRequired', message: 'Required value', field: `${f}.effect` });
    } else if (!taintEffects.includes(effect)) {
      causes.push({
        reason: 'FieldValueNotSupported',
        message: `Unsupported value: ${JSON.stringify(effect)}: supported values: "NoExecute", "NoSchedule", "PreferNoSchedule"`,
        field: `${f}.effect`,
      });
    }
    const id = `${String(key)}:${String(effect)}`;
    if (seen.has(id)) {
      causes.push({
        reason: 'FieldValueDuplicate',
        message: `Duplicate value: ${JSON.stringify({ key, effect })}`,
        field: f,
      });
    }
    seen.add(id);
  });
  return causes;
}

export function validateObjectName(name: unknown, field = 'metadata.name'): StatusCause[] {
  if (typeof name !== 'string' || name === '')
    return [
      { reason: 'FieldValueRequired', message: 'Required value: name or generateName is required', field },
    ];
  if (name.length > 253 || !dns1123SubdomainRe.test(name)) {
    return [
      invalid(
        field,
        name,
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ),
    ];
  }
  return [];
}
