import { apiErrors } from './errors';
import { deepClone, deepEqual, isPlainObject } from './json-util';

export type PatchType = 'merge' | 'strategic' | 'json';

const patchContentTypes: Record<string, PatchType> = {
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/json-patch+json': 'json',
};

/** Maps a PATCH Content-Type to a patch type; unknown types (incl. apply-patch) are rejected with 415. */
export function patchTypeFromContentType(contentType: string | undefined): PatchType {
  const base = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const t = patchContentTypes[base];
  if (!t) throw apiErrors.unsupportedMediaType(base);
  return t;
}

/**
 * Strategic-merge metadata: dotted path (no indexes) → merge key, or '$set' for primitive lists merged as sets.
 * Lists not listed here are atomic (replaced), which is what kube does for e.g. Node spec.taints.
 */
export type MergeKeys = Record<string, string>;

export const commonMergeKeys: MergeKeys = {
  'metadata.ownerReferences': 'uid',
  'metadata.finalizers': '$set',
  'status.conditions': 'type',
  'status.addresses': 'type',
  'status.images': '$atomic',
  'spec.containers': 'name',
  'spec.initContainers': 'name',
  'spec.volumes': 'name',
  'spec.containers.env': 'name',
  'spec.containers.ports': 'containerPort',
  'spec.containers.volumeMounts': 'mountPath',
  'spec.tolerations': '$atomic',
};

/** RFC 7386 JSON merge patch. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return deepClone(patch);
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '__proto__') continue;
    if (v === null) delete result[k];
    else result[k] = applyMergePatch(result[k], v);
  }
  return result;
}

function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) {
    if (k.startsWith('$')) continue;
    if (val === null) continue;
    out[k] = stripDirectives(val);
  }
  return out;
}

function mergeList(
  orig: unknown,
  patch: unknown[],
  mergeKey: string,
  path: string,
  keys: MergeKeys,
): unknown[] {
  if (patch.some((p) => isPlainObject(p) && p.$patch === 'replace' && !(mergeKey in p))) {
    return patch.filter((p) => !(isPlainObject(p) && p.$patch === 'replace')).map(stripDirectives);
  }
  if (mergeKey === '$set') {
    const base: unknown[] = Array.isArray(orig) ? [...(orig as unknown[])] : [];
    for (const p of patch) if (!base.some((b) => deepEqual(b, p))) base.push(p);
    return base;
  }
  const result: unknown[] = Array.isArray(orig) ? [...(orig as unknown[])] : [];
  for (const item of patch) {
    if (!isPlainObject(item) || !(mergeKey in item)) {
      result.push(stripDirectives(item));
      continue;
    }
    const key = item[mergeKey];
    const idx = result.findIndex((r) => isPlainObject(r) && deepEqual(r[mergeKey], key));
    if (item.$patch === 'delete') {
      if (idx >= 0) result.splice(idx, 1);
      continue;
    }
    if (idx >= 0) result[idx] = strategicMerge(result[idx], item, path, keys);
    else result.push(stripDirectives(item));
  }
  return result;
}

/** Strategic merge patch with the directives kubectl sends ($patch, $setElementOrder, $retainKeys, $deleteFromPrimitiveList). */
export function applyStrategicMergePatch(
  target: unknown,
  patch: unknown,
  keys: MergeKeys = commonMergeKeys,
): unknown {
  return strategicMerge(target, patch, '', keys);
}

function strategicMerge(target: unknown, patch: unknown, path: string, keys: MergeKeys): unknown {
  if (!isPlainObject(patch)) return deepClone(patch);
  if (patch.$patch === 'replace') return stripDirectives(patch);
  const result: Record<string, unknown> = isPlainObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k === '__proto__' || k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/'))
      continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const cur = result[field];
      if (Array.isArray(cur) && Array.isArray(v))
        result[field] = cur.filter((x) => !v.some((d) => deepEqual(d, x)));
      continue;
    }
    const childPath = path ? `${path}.${k}` : k;
    if (v === null) delete result[k];
    else if (isPlainObject(v)) {
      if (v.$patch === 'delete') delete result[k];
      else result[k] = strategicMerge(result[k], v, childPath, keys);
    } else if (Array.isArray(v)) {
      const mk = keys[childPath];
      result[k] = mk && mk !== '$atomic' ? mergeList(result[k], v, mk, childPath, keys) : stripDirectives(v);
    } else result[k] = v;
  }
  return result;
}

function parsePointer(ptr: unknown, field: string): string[] {
  if (typeof ptr !== 'string') throw apiErrors.badRequest(`json patch: "${field}" must be a string`);
  if (ptr === '') return [];
  if (ptr.includes('__proto__')) throw apiErrors.unprocessable(`json patch: invalid pointer "${ptr}"`);
  if (!ptr.startsWith('/'))
    throw apiErrors.unprocessable(`json patch: invalid pointer "${ptr}": must start with "/"`);
  return ptr
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function getAt(doc: unknown, segs: string[]): { ok: boolean; value?: unknown } {
  let cur: unknown = doc;
  for (const s of segs) {
    if (Array.isArray(cur)) {
      const i = Number(s);
      if (!/^\d+$/.test(s) || i >= cur.length) return { ok: false };
      cur = cur[i];
    } else if (isPlainObject(cur)) {
      if (!Object.prototype.hasOwnProperty.call(cur, s)) return { ok: false };
      cur = cur[s];
    } else return { ok: false };
  }
  return { ok: true, value: cur };
}

function parentOf(doc: unknown, segs: string[], ptr: string): { parent: unknown; last: string } {
  const parentSegs = segs.slice(0, -1);
  const got = getAt(doc, parentSegs);
  if (!got.ok || typeof got.value !== 'object' || got.value === null) {
    throw apiErrors.unprocessable(`json patch: path "${ptr}" does not exist: missing parent`);
  }
  return { parent: got.value, last: segs[segs.length - 1]! };
}

function addAt(doc: unknown, segs: string[], value: unknown, ptr: string): unknown {
  if (segs.length === 0) return value;
  const { parent, last } = parentOf(doc, segs, ptr);
  if (Array.isArray(parent)) {
    const i = last === '-' ? parent.length : Number(last);
    if (!/^\d+$/.test(last) && last !== '-')
      throw apiErrors.unprocessable(`json patch: invalid array index "${last}" in "${ptr}"`);
    if (i > parent.length)
      throw apiErrors.unprocessable(`json patch: array index ${i} out of bounds in "${ptr}"`);
    parent.splice(i, 0, value);
  } else (parent as Record<string, unknown>)[last] = value;
  return doc;
}

function removeAt(doc: unknown, segs: string[], ptr: string): unknown {
  if (segs.length === 0) throw apiErrors.unprocessable('json patch: cannot remove the document root');
  const { parent, last } = parentOf(doc, segs, ptr);
  if (!getAt(doc, segs).ok)
    throw apiErrors.unprocessable(
      `json patch: unable to remove nonexistent key "${last}": path "${ptr}" does not exist`,
    );
  if (Array.isArray(parent)) parent.splice(Number(last), 1);
  else delete (parent as Record<string, unknown>)[last];
  return doc;
}

/** RFC 6902 JSON patch; any failing operation (including a failed test) → 422 and the target stays untouched. */
export function applyJsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops))
    throw apiErrors.badRequest('json patch: the patch document must be a JSON array of operations');
  let doc = deepClone(target);
  ops.forEach((raw: unknown, i) => {
    if (!isPlainObject(raw)) throw apiErrors.badRequest(`json patch: operation ${i} must be an object`);
    const op = raw.op;
    const path = raw.path as string;
    const segs = parsePointer(raw.path, `[${i}].path`);
    switch (op) {
      case 'add':
        if (!('value' in raw))
          throw apiErrors.badRequest(`json patch: operation ${i} (add) is missing "value"`);
        doc = addAt(doc, segs, deepClone(raw.value), path);
        break;
      case 'remove':
        doc = removeAt(doc, segs, path);
        break;
      case 'replace':
        if (!('value' in raw))
          throw apiErrors.badRequest(`json patch: operation ${i} (replace) is missing "value"`);
        if (!getAt(doc, segs).ok)
          throw apiErrors.unprocessable(
            `json patch: replace operation does not apply: doc is missing key: ${path}`,
          );
        if (segs.length === 0) doc = deepClone(raw.value);
        else {
          doc = removeAt(doc, segs, path);
          doc = addAt(doc, segs, deepClone(raw.value), path);
        }
        break;
      case 'move':
      case 'copy': {
        const from = parsePointer(raw.from, `[${i}].from`);
        const got = getAt(doc, from);
        if (!got.ok)
          throw apiErrors.unprocessable(
            `json patch: ${op} operation does not apply: doc is missing from path: ${String(raw.from)}`,
          );
        const value = deepClone(got.value);
        if (op === 'move') doc = removeAt(doc, from, String(raw.from));
        doc = addAt(doc, segs, value, path);
        break;
      }
      case 'test': {
        const got = getAt(doc, segs);
        if (!got.ok || !deepEqual(got.value, raw.value))
          throw apiErrors.unprocessable(`json patch: testing value ${path} failed: test failed`);
        break;
      }
      default:
        throw apiErrors.badRequest(`json patch: operation ${i} has unsupported op ${JSON.stringify(op)}`);
    }
  });
  return doc;
}

export function applyPatch(type: PatchType, target: unknown, patch: unknown, keys?: MergeKeys): unknown {
  if (type === 'json') return applyJsonPatch(target, patch);
  if (!isPlainObject(patch)) throw apiErrors.badRequest('patch body must be a JSON object');
  return type === 'merge' ? applyMergePatch(target, patch) : applyStrategicMergePatch(target, patch, keys);
}
