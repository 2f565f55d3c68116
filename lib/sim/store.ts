import { randomUUID } from 'node:crypto';
import { SimApiError, apiErrors } from './errors';
import { deepClone, deepEqual, isPlainObject } from './json-util';
import { applyPatch, type PatchType } from './patch';
import { type KObj, type ResourceDef, apiVersionOf, objectKey, resourceDef } from './resources';
import { type FieldSelector, type LabelSelector, matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors';

/** One stored object version; its serialized JSON is computed once and shared by every list and watch. */
export class StoreEntry {
  constructor(
    readonly obj: KObj,
    /** UTF-8 JSON of obj; list bodies are built by concatenating these buffers */
    readonly buf: Buffer,
    readonly rv: number,
  ) {}

  static of(obj: KObj, rv: number): StoreEntry {
    return new StoreEntry(obj, Buffer.from(JSON.stringify(obj)), rv);
  }

  get json(): string {
    return this.buf.toString('utf8');
  }
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  resource: string;
  key: string;
  rv: number;
  entry: StoreEntry;
  prev?: StoreEntry;
  at: number;
  /** per-format serialization cache, so an event is serialized once for all watchers */
  cache: Map<string, Buffer>;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface ListResult {
  items: StoreEntry[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface Filter {
  namespace?: string;
  labels: LabelSelector;
  fields: FieldSelector;
}

export interface ObjectStoreOptions {
  now?: () => number;
  historyWindowMs?: number;
  maxHistory?: number;
  onListenerError?: (err: unknown) => void;
}

export function formatTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function requireDef(resource: string): ResourceDef {
  const d = resourceDef(resource);
  if (!d) throw apiErrors.pathNotFound();
  return d;
}

export function compileFilter(def: ResourceDef, o: { namespace?: string; labelSelector?: string; fieldSelector?: string }): Filter {
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

const continueTooOld =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.';

/**
 * In-memory multi-resource object store with one global, monotonically increasing resourceVersion
 * (like etcd's revision) and a time-bounded event history for watch resumption.
 */
export class ObjectStore {
  protected readonly now: () => number;
  private rv = 1;
  private readonly cols = new Map<string, Map<string, StoreEntry>>();
  private readonly sorted = new Map<string, string[]>();
  /** concatenated JSON of every object of a resource (sorted, comma-joined), valid until the resource's next write */
  private readonly allItems = new Map<string, Buffer>();
  private history: StoreEvent[] = [];
  private historyHead = 0;
  private compactedRv = 0;
  private readonly historyWindowMs: number;
  private readonly maxHistory: number;
  private readonly listeners = new Set<(ev: StoreEvent) => void>();
  private readonly queue: StoreEvent[] = [];
  private dispatching = false;
  private readonly onListenerError: (err: unknown) => void;

  constructor(opts: ObjectStoreOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.historyWindowMs = opts.historyWindowMs ?? 75_000;
    this.maxHistory = opts.maxHistory ?? 500_000;
    this.onListenerError = opts.onListenerError ?? ((err) => console.error('sim store listener failed', err));
  }

  get resourceVersion(): string {
    return String(this.rv);
  }

  /** The oldest resourceVersion a watch can resume from without a 410. */
  get oldestWatchableRv(): number {
    this.prune();
    return this.compactedRv;
  }

  private col(resource: string): Map<string, StoreEntry> {
    let c = this.cols.get(resource);
    if (!c) this.cols.set(resource, (c = new Map<string, StoreEntry>()));
    return c;
  }

  count(resource: string): number {
    return this.cols.get(resource)?.size ?? 0;
  }

  entries(resource: string): IterableIterator<StoreEntry> {
    return this.col(resource).values();
  }

  entry(resource: string, namespace: string | undefined, name: string): StoreEntry | undefined {
    return this.cols.get(resource)?.get(objectKey(namespace, name));
  }

  tryGet(resource: string, namespace: string | undefined, name: string): KObj | undefined {
    return this.entry(resource, namespace, name)?.obj;
  }

  get(resource: string, namespace: string | undefined, name: string): KObj {
    const e = this.entry(resource, namespace, name);
    if (!e) {
      const d = requireDef(resource);
      throw apiErrors.notFound({ resource, group: d.group }, name);
    }
    return e.obj;
  }

  subscribe(fn: (ev: StoreEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  create(resource: string, input: unknown, namespace?: string): KObj {
    const d = requireDef(resource);
    if (!isPlainObject(input) || !isPlainObject(input.metadata)) throw apiErrors.badRequest('the request body must be an object with metadata');
    const { apiVersion: _a, kind: _k, metadata: inMeta, ...rest } = deepClone(input) as KObj;
    const { name, generateName, namespace: inNs, uid, creationTimestamp, resourceVersion: _rv, ...restMeta } = inMeta;
    let ns: string | undefined;
    if (d.namespaced) {
      ns = namespace ?? inNs ?? 'default';
      if (inNs && inNs !== ns) throw apiErrors.badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    const finalName = !name && typeof generateName === 'string' ? generateName + Math.random().toString(36).slice(2, 7) : name;
    // kube-apiserver's field order: identity first, then the rest of metadata
    const meta: KObj['metadata'] = { name: finalName };
    if (generateName) meta.generateName = generateName;
    if (ns) meta.namespace = ns;
    meta.uid = uid ?? '';
    meta.resourceVersion = '';
    meta.creationTimestamp = creationTimestamp ?? formatTime(this.now());
    Object.assign(meta, restMeta);
    const obj: KObj = { apiVersion: apiVersionOf(d), kind: d.kind, metadata: meta, ...rest };
    this.validate(d, obj);
    const key = objectKey(ns, finalName);
    if (this.col(resource).has(key)) throw apiErrors.alreadyExists({ resource, group: d.group }, finalName);
    if (!meta.uid) meta.uid = randomUUID();
    return this.commit(d, key, 'ADDED', obj).obj;
  }

  /** PUT semantics: optimistic concurrency on metadata.resourceVersion when given. */
  update(resource: string, input: unknown, namespace?: string, name?: string): KObj {
    const d = requireDef(resource);
    if (!isPlainObject(input) || !isPlainObject(input.metadata)) throw apiErrors.badRequest('the request body must be an object with metadata');
    const obj = deepClone(input) as KObj;
    const objName = obj.metadata.name;
    if (name !== undefined && objName !== name) throw apiErrors.badRequest(`the name of the object (${String(objName)}) does not match the name on the URL (${name})`);
    const ns = d.namespaced ? (namespace ?? obj.metadata.namespace) : undefined;
    const cur = this.entry(resource, ns, objName);
    if (!cur) throw apiErrors.notFound({ resource, group: d.group }, objName);
    return this.replace(d, cur, obj);
  }

  patch(resource: string, namespace: string | undefined, name: string, type: PatchType, patch: unknown): KObj {
    const d = requireDef(resource);
    const cur = this.entry(resource, d.namespaced ? namespace : undefined, name);
    if (!cur) throw apiErrors.notFound({ resource, group: d.group }, name);
    const next = applyPatch(type, cur.obj, patch, d.mergeKeys);
    if (!isPlainObject(next) || !isPlainObject(next.metadata)) throw apiErrors.unprocessable('patch result must be an object with metadata');
    const obj = next as KObj;
    if (obj.metadata.name !== name) throw apiErrors.badRequest(`the name of the object (${String(obj.metadata.name)}) does not match the name on the URL (${name})`);
    return this.replace(d, cur, obj);
  }

  /** Server-side write by a simulated controller: mutate a clone; a no-op mutation writes nothing. */
  mutate(resource: string, namespace: string | undefined, name: string, fn: (draft: KObj) => void): KObj {
    const d = requireDef(resource);
    const cur = this.entry(resource, d.namespaced ? namespace : undefined, name);
    if (!cur) throw apiErrors.notFound({ resource, group: d.group }, name);
    const draft = deepClone(cur.obj);
    fn(draft);
    draft.metadata.resourceVersion = cur.obj.metadata.resourceVersion;
    return this.replace(d, cur, draft);
  }

  private replace(d: ResourceDef, cur: StoreEntry, obj: KObj): KObj {
    const meta = obj.metadata;
    if (meta.resourceVersion !== undefined && meta.resourceVersion !== '' && meta.resourceVersion !== String(cur.rv)) {
      throw apiErrors.conflict({ resource: d.resource, group: d.group }, cur.obj.metadata.name);
    }
    obj.apiVersion = apiVersionOf(d);
    obj.kind = d.kind;
    meta.namespace = cur.obj.metadata.namespace;
    if (meta.namespace === undefined) delete meta.namespace;
    meta.uid = cur.obj.metadata.uid;
    meta.creationTimestamp = cur.obj.metadata.creationTimestamp;
    if (meta.managedFields === undefined && cur.obj.metadata.managedFields) meta.managedFields = cur.obj.metadata.managedFields;
    if (cur.obj.metadata.deletionTimestamp) meta.deletionTimestamp = cur.obj.metadata.deletionTimestamp;
    meta.resourceVersion = String(cur.rv);
    if (deepEqual(obj, cur.obj)) return cur.obj;
    this.validate(d, obj);
    return this.commit(d, objectKey(meta.namespace, meta.name), 'MODIFIED', obj, cur).obj;
  }

  delete(resource: string, namespace: string | undefined, name: string, pre?: { uid?: string; resourceVersion?: string }): KObj {
    const d = requireDef(resource);
    const key = objectKey(d.namespaced ? namespace : undefined, name);
    const cur = this.col(resource).get(key);
    if (!cur) throw apiErrors.notFound({ resource, group: d.group }, name);
    if (pre?.uid && pre.uid !== cur.obj.metadata.uid) {
      throw new SimApiError(409, 'Conflict', `Operation cannot be fulfilled on ${resource} "${name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${String(cur.obj.metadata.uid)}`, { name, kind: resource });
    }
    if (pre?.resourceVersion && pre.resourceVersion !== String(cur.rv)) throw apiErrors.conflict({ resource, group: d.group }, name);
    const obj = { ...cur.obj, metadata: { ...cur.obj.metadata } };
    return this.commit(d, key, 'DELETED', obj, cur).obj;
  }

  private validate(d: ResourceDef, obj: KObj): void {
    const causes = d.validate(obj);
    if (causes.length) throw apiErrors.invalid(d.kind, d.group, String(obj.metadata?.name ?? ''), causes);
  }

  private commit(d: ResourceDef, key: string, type: WatchEventType, obj: KObj, prev?: StoreEntry): StoreEntry {
    const rv = ++this.rv;
    obj.metadata.resourceVersion = String(rv);
    const entry = StoreEntry.of(obj, rv);
    const col = this.col(d.resource);
    this.allItems.delete(d.resource);
    if (type === 'DELETED') {
      col.delete(key);
      this.sorted.delete(d.resource);
    } else {
      if (!col.has(key)) this.sorted.delete(d.resource);
      col.set(key, entry);
    }
    const ev: StoreEvent = { type, resource: d.resource, key, rv, entry, prev, at: this.now(), cache: new Map() };
    this.history.push(ev);
    this.prune();
    this.emit(ev);
    return entry;
  }

  private emit(ev: StoreEvent): void {
    this.queue.push(ev);
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      let next: StoreEvent | undefined;
      while ((next = this.queue.shift())) {
        for (const l of this.listeners) {
          try {
            l(next);
          } catch (err) {
            this.onListenerError(err);
          }
        }
      }
    } finally {
      this.dispatching = false;
    }
  }

  private prune(): void {
    const cutoff = this.now() - this.historyWindowMs;
    const h = this.history;
    while (this.historyHead < h.length) {
      const ev = h[this.historyHead]!;
      if (ev.at >= cutoff && h.length - this.historyHead <= this.maxHistory) break;
      this.compactedRv = ev.rv;
      this.historyHead++;
    }
    if (this.historyHead > 4096 && this.historyHead * 2 > h.length) {
      this.history = h.slice(this.historyHead);
      this.historyHead = 0;
    }
  }

  /** Events of one resource with rv > fromRv, or 'expired' when history no longer reaches back that far. */
  eventsSince(resource: string, fromRv: number): StoreEvent[] | 'expired' {
    this.prune();
    if (fromRv < this.compactedRv) return 'expired';
    const h = this.history;
    let lo = this.historyHead;
    let hi = h.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (h[mid]!.rv <= fromRv) lo = mid + 1;
      else hi = mid;
    }
    const out: StoreEvent[] = [];
    for (let i = lo; i < h.length; i++) if (h[i]!.resource === resource) out.push(h[i]!);
    return out;
  }

  /** The comma-joined JSON of all objects of a resource, cached until that resource changes (for unfiltered lists). */
  allItemsJson(resource: string): Buffer {
    let buf = this.allItems.get(resource);
    if (!buf) {
      const col = this.col(resource);
      const parts: Buffer[] = [];
      for (const key of this.sortedKeys(resource)) {
        if (parts.length) parts.push(comma);
        parts.push(col.get(key)!.buf);
      }
      buf = Buffer.concat(parts);
      this.allItems.set(resource, buf);
    }
    return buf;
  }

  private sortedKeys(resource: string): string[] {
    let keys = this.sorted.get(resource);
    if (!keys) {
      keys = [...this.col(resource).keys()].sort();
      this.sorted.set(resource, keys);
    }
    return keys;
  }

  /** The resource's objects as they were at rv (undoing later history), or 'expired'. */
  private stateAt(resource: string, rv: number): Map<string, StoreEntry> | 'expired' {
    const evs = this.eventsSince(resource, rv);
    if (evs === 'expired') return 'expired';
    const state = new Map(this.col(resource));
    for (let i = evs.length - 1; i >= 0; i--) {
      const ev = evs[i]!;
      if (ev.type === 'ADDED') state.delete(ev.key);
      else if (ev.prev) state.set(ev.key, ev.prev);
    }
    return state;
  }

  list(resource: string, opts: ListOptions = {}): ListResult {
    const d = requireDef(resource);
    const filter = compileFilter(d, opts);
    if (opts.resourceVersion && !/^\d+$/.test(opts.resourceVersion)) throw apiErrors.badRequest(`invalid resource version: ${JSON.stringify(opts.resourceVersion)}`);
    let listRv = this.rv;
    let start = '';
    if (opts.continue) {
      const tok = decodeContinue(opts.continue);
      listRv = tok.rv;
      start = tok.start;
    } else if (opts.resourceVersionMatch === 'Exact' && opts.resourceVersion) {
      listRv = Number(opts.resourceVersion);
      if (!Number.isInteger(listRv) || listRv < 1) throw apiErrors.badRequest(`invalid resource version: ${opts.resourceVersion}`);
    }
    let keys: string[];
    let col: Map<string, StoreEntry>;
    if (listRv === this.rv) {
      col = this.col(resource);
      keys = this.sortedKeys(resource);
    } else {
      const st = listRv > this.rv ? 'expired' : this.stateAt(resource, listRv);
      if (st === 'expired') throw apiErrors.expired(opts.continue ? continueTooOld : `too old resource version: ${listRv} (${this.compactedRv + 1})`);
      col = st;
      keys = [...st.keys()].sort();
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const items: StoreEntry[] = [];
    let i = start ? lowerBoundAfter(keys, start) : 0;
    for (; i < keys.length; i++) {
      const key = keys[i]!;
      if (filter.namespace && !key.startsWith(`${filter.namespace}/`)) continue;
      const e = col.get(key)!;
      if (!filterMatches(d, filter, e.obj)) continue;
      if (items.length >= limit) break;
      items.push(e);
    }
    const result: ListResult = { items, resourceVersion: String(listRv) };
    if (i < keys.length && items.length >= limit) {
      const last = items[items.length - 1]!;
      result.continue = encodeContinue(listRv, objectKey(last.obj.metadata.namespace, last.obj.metadata.name));
      if (!filter.labels.length && !filter.fields.length && !filter.namespace) result.remainingItemCount = keys.length - i;
    }
    return result;
  }
}

const comma = Buffer.from(',');

function lowerBoundAfter(keys: string[], start: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (keys[mid]! <= start) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

function decodeContinue(tok: string): { rv: number; start: string } {
  try {
    const parsed = JSON.parse(Buffer.from(tok, 'base64url').toString('utf8')) as { rv?: unknown; start?: unknown };
    if (typeof parsed.rv === 'number' && typeof parsed.start === 'string') return { rv: parsed.rv, start: parsed.start };
  } catch {
    /* fall through */
  }
  throw apiErrors.badRequest('continue key is not valid: invalid continue token');
}
