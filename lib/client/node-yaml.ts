import { dump } from 'js-yaml';

/**
 * The Kubernetes object as kubectl would show it, minus `metadata.managedFields` (server-side apply
 * bookkeeping: long, and of no use to a reader). Never mutates the cached object.
 */
export function objectYaml(object: unknown): string {
  if (typeof object !== 'object' || object === null) return '';
  const o = object as { metadata?: Record<string, unknown> };
  const { managedFields: _dropped, ...metadata } = o.metadata ?? {};
  const shown = o.metadata ? { ...o, metadata } : o;
  return dump(shown, { noRefs: true, lineWidth: -1, sortKeys: false });
}
