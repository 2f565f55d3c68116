import { apiErrors } from './errors';
import { type KObj, type ResourceDef, resourceDef } from './resources';
import {
  type FieldSelector,
  type LabelSelector,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors';

export interface Filter {
  namespace?: string;
  labels: LabelSelector;
  fields: FieldSelector;
}

export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function requireDef(resource: string): ResourceDef {
  const d = resourceDef(resource);
  if (!d) throw apiErrors.pathNotFound();
  return d;
}

export function compileFilter(
  def: ResourceDef,
  o: { namespace?: string; labelSelector?: string; fieldSelector?: string },
): Filter {
  return {
    namespace: o.namespace || undefined,
    labels: parseLabelSelector(o.labelSelector),
    fields: parseFieldSelector(o.fieldSelector, def.fieldSelectors),
  };
}

export function filterMatches(def: ResourceDef, f: Filter, obj: KObj): boolean {
  if (f.namespace && obj.metadata.namespace !== f.namespace) return false;
  if (f.labels.length && !matchesLabels(f.labels, obj.metadata.labels)) return false;
  if (f.fields.length && !matchesFields(f.fields, def.fields(obj))) return false;
  return true;
}
