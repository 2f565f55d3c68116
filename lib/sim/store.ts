import { randomUUID } from 'node:crypto';
import { SimApiError, apiErrors } from './errors';
import { deepClone, deepEqual, isPlainObject } from './json-util';
import { applyPatch, type PatchType } from './patch';
import { continueTooOld, decodeContinue, encodeContinue } from './continue-token';
import { lowerBoundAfter, mergeSorted } from './sorted-keys';
import { compileFilter, filterMatches, formatTime, requireDef } from './filter';
import { type KObj, type ResourceDef, apiVersionOf, objectKey } from './resources';
import { EventHistory } from './history';
import { ListBlocks } from './list-blocks';
import {
  type ListOptions,
  type ListResult,
  StoreEntry,
  type StoreEvent,
  type WatchEventType,
} from './store-entry';

export {
  StoreEntry,
  type StoreEvent,
  type WatchEventType,
  type ListOptions,
  type ListResult,
} from './store-entry';
export { type Filter, compileFilter, filterMatches, formatTime, requireDef } from './filter';

export interface ObjectStoreOptions {
  now?: () => number;
  historyWindowMs?: number;
  maxHistory?: number;
  onListenerError?: (err: unknown) => void;
}

/**
 * In-memory multi-resource object store with one global, monotonically increasing resourceVersion
 * (like etcd's revision) and a time-bounded event history for watch resumption.
 */
export class ObjectStore {
  protected readonly now: () => number;
  private rv = 1;
  private readonly cols = new Map<string, Map<string, StoreEntry>>();
  private readonly sorted = new Map<string, string[]>();
  /** joined JSON of every object of a resource, for unfiltered lists; blocks are invalidated per write */
  private readonly allItems = new Map<string, ListBlocks>();
  private readonly history: EventHistory;
  private readonly listeners = new Set<(ev: StoreEvent) => void>();
  private readonly queue: StoreEvent[] = [];
  private dispatching = false;
  private readonly onListenerError: (err: unknown) => void;

  constructor(opts: ObjectStoreOptions = {}) {
    this.now = opts.now ?? Date.now;
    this.history = new EventHistory(this.now, opts.historyWindowMs ?? 75_000, opts.maxHistory ?? 500_000);
    this.onListenerError = opts.onListenerError ?? ((err) => console.error('sim store listener failed', err));
  }

  get resourceVersion(): string {
    return String(this.rv);
  }

  /** The oldest resourceVersion a watch can resume from without a 410. */
  get oldestWatchableRv(): number {
    return this.history.compactedRv();
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
    if (!isPlainObject(input) || !isPlainObject(input.metadata))
      throw apiErrors.badRequest('the request body must be an object with metadata');
    const { apiVersion: _a, kind: _k, metadata: inMeta, ...rest } = deepClone(input) as KObj;
    const {
      name,
      generateName,
      namespace: inNs,
      uid,
      creationTimestamp,
      resourceVersion: _rv,
      ...restMeta
    } = inMeta;
    let ns: string | undefined;
    if (d.namespaced) {
      ns = namespace ?? inNs ?? 'default';
      if (inNs && inNs !== ns)
        throw apiErrors.badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
    }
    const finalName =
      !name && typeof generateName === 'string'
        ? generateName + Math.random().toString(36).slice(2, 7)
        : name;
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
    if (!isPlainObject(input) || !isPlainObject(input.metadata))
      throw apiErrors.badRequest('the request body must be an object with metadata');
    const obj = deepClone(input) as KObj;
    const objName = obj.metadata.name;
    if (name !== undefined && objName !== name)
      throw apiErrors.badRequest(
        `the name of the object (${String(objName)}) does not match the name on the URL (${name})`,
      );
    const ns = d.namespaced ? (namespace ?? obj.metadata.namespace) : undefined;
    const cur = this.entry(resource, ns, objName);
    if (!cur) throw apiErrors.notFound({ resource, group: d.group }, objName);
    return this.replace(d, cur, obj);
  }

  patch(
    resource: string,
    namespace: string | undefined,
    name: string,
    type: PatchType,
    patch: unknown,
  ): KObj {
    const d = requireDef(resource);
    const cur = this.entry(resource, d.namespaced ? namespace : undefined, name);
    if (!cur) throw apiErrors.notFound({ resource, group: d.group }, name);
    const next = applyPatch(type, cur.obj, patch, d.mergeKeys);
    if (!isPlainObject(next) || !isPlainObject(next.metadata))
      throw apiErrors.unprocessable('patch result must be an object with metadata');
    const obj = next as KObj;
    if (obj.metadata.name !== name)
      throw apiErrors.badRequest(
        `the name of the object (${String(obj.metadata.name)}) does not match the name on the URL (${name})`,
      );
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
    if (
      meta.resourceVersion !== undefined &&
      meta.resourceVersion !== '' &&
      meta.resourceVersion !== String(cur.rv)
    ) {
      throw apiErrors.conflict({ resource: d.resource, group: d.group }, cur.obj.metadata.name);
    }
    obj.apiVersion = apiVersionOf(d);
    obj.kind = d.kind;
    meta.namespace = cur.obj.metadata.namespace;
    if (meta.namespace === undefined) delete meta.namespace;
    meta.uid = cur.obj.metadata.uid;
    meta.creationTimestamp = cur.obj.metadata.creationTimestamp;
    if (meta.managedFields === undefined && cur.obj.metadata.managedFields)
      meta.managedFields = cur.obj.metadata.managedFields;
    if (cur.obj.metadata.deletionTimestamp) meta.deletionTimestamp = cur.obj.metadata.deletionTimestamp;
    meta.resourceVersion = String(cur.rv);
    if (deepEqual(obj, cur.obj)) return cur.obj;
    this.validate(d, obj);
    return this.commit(d, objectKey(meta.namespace, meta.name), 'MODIFIED', obj, cur).obj;
  }

  delete(
    resource: string,
    namespace: string | undefined,
    name: string,
    pre?: { uid?: string; resourceVersion?: string },
  ): KObj {
    const d = requireDef(resource);
    const key = objectKey(d.namespaced ? namespace : undefined, name);
    const cur = this.col(resource).get(key);
    if (!cur) throw apiErrors.notFound({ resource, group: d.group }, name);
    if (pre?.uid && pre.uid !== cur.obj.metadata.uid) {
      throw new SimApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${resource} "${name}": Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${String(cur.obj.metadata.uid)}`,
        { name, kind: resource },
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== String(cur.rv))
      throw apiErrors.conflict({ resource, group: d.group }, name);
    const obj = { ...cur.obj, metadata: { ...cur.obj.metadata } };
    return this.commit(d, key, 'DELETED', obj, cur).obj;
  }

  private validate(d: ResourceDef, obj: KObj): void {
    const causes = d.validate(obj);
    if (causes.length) throw apiErrors.invalid(d.kind, d.group, String(obj.metadata?.name ?? ''), causes);
  }

  private commit(
    d: ResourceDef,
    key: string,
    type: WatchEventType,
    obj: KObj,
    prev?: StoreEntry,
  ): StoreEntry {
    const rv = ++this.rv;
    obj.metadata.resourceVersion = String(rv);
    const entry = StoreEntry.of(obj, rv);
    const col = this.col(d.resource);
    const blocks = this.allItems.get(d.resource);
    if (blocks && (type !== 'MODIFIED' || !blocks.invalidate(key))) this.allItems.delete(d.resource);
    if (type === 'DELETED') {
      col.delete(key);
      this.sorted.delete(d.resource);
    } else {
      if (!col.has(key)) this.sorted.delete(d.resource);
      col.set(key, entry);
    }
    const ev: StoreEvent = {
      type,
      resource: d.resource,
      key,
      rv,
      entry,
      prev,
      at: this.now(),
      cache: new Map(),
    };
    this.history.push(ev);
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

  /** Events of one resource with rv > fromRv, or 'expired' when history no longer reaches back that far. */
  eventsSince(resource: string, fromRv: number): StoreEvent[] | 'expired' {
    return this.history.since(resource, fromRv);
  }

  /** The comma-joined JSON of all objects of a resource, as body parts, for unfiltered lists (see ListBlocks). */
  allItemsJson(resource: string): Buffer[] {
    let blocks = this.allItems.get(resource);
    if (!blocks) {
      const col = this.col(resource);
      blocks = new ListBlocks(this.sortedKeys(resource), (k) => col.get(k)!.buf);
      this.allItems.set(resource, blocks);
    }
    return blocks.parts();
  }

  private sortedKeys(resource: string): string[] {
    let keys = this.sorted.get(resource);
    if (!keys) {
      keys = [...this.col(resource).keys()].sort();
      this.sorted.set(resource, keys);
    }
    return keys;
  }

  /**
   * The resource as it was at rv: current objects overlaid with the undo of every later event.
   * Costs O(events since rv), plus one merge when objects were deleted since.
   */
  private snapshotAt(
    resource: string,
    rv: number,
  ): { keys: string[]; get: (key: string) => StoreEntry | undefined } | 'expired' {
    const evs = this.eventsSince(resource, rv);
    if (evs === 'expired') return 'expired';
    const col = this.col(resource);
    const overlay = new Map<string, StoreEntry | null>();
    for (let i = evs.length - 1; i >= 0; i--) {
      const ev = evs[i]!;
      overlay.set(ev.key, ev.type === 'ADDED' ? null : (ev.prev ?? null));
    }
    const current = this.sortedKeys(resource);
    const extra = [...overlay]
      .filter(([k, e]) => e !== null && !col.has(k))
      .map(([k]) => k)
      .sort();
    const keys = extra.length ? mergeSorted(current, extra) : current;
    return { keys, get: (k) => (overlay.has(k) ? (overlay.get(k) ?? undefined) : col.get(k)) };
  }

  list(resource: string, opts: ListOptions = {}): ListResult {
    const d = requireDef(resource);
    const filter = compileFilter(d, opts);
    if (opts.resourceVersion && !/^\d+$/.test(opts.resourceVersion))
      throw apiErrors.badRequest(`invalid resource version: ${JSON.stringify(opts.resourceVersion)}`);
    let listRv = this.rv;
    let start = '';
    if (opts.continue) {
      const tok = decodeContinue(opts.continue);
      listRv = tok.rv;
      start = tok.start;
    } else if (opts.resourceVersionMatch === 'Exact' && opts.resourceVersion) {
      listRv = Number(opts.resourceVersion);
      if (!Number.isInteger(listRv) || listRv < 1)
        throw apiErrors.badRequest(`invalid resource version: ${opts.resourceVersion}`);
    }
    let keys: string[];
    let lookup: (key: string) => StoreEntry | undefined;
    if (listRv === this.rv) {
      const col = this.col(resource);
      keys = this.sortedKeys(resource);
      lookup = (k) => col.get(k);
    } else {
      const snap = listRv > this.rv ? 'expired' : this.snapshotAt(resource, listRv);
      if (snap === 'expired')
        throw apiErrors.expired(
          opts.continue
            ? continueTooOld
            : `too old resource version: ${listRv} (${this.history.compactedRv() + 1})`,
        );
      keys = snap.keys;
      lookup = snap.get;
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const items: StoreEntry[] = [];
    let i = start ? lowerBoundAfter(keys, start) : 0;
    for (; i < keys.length; i++) {
      const key = keys[i]!;
      if (filter.namespace && !key.startsWith(`${filter.namespace}/`)) continue;
      const e = lookup(key);
      if (!e || !filterMatches(d, filter, e.obj)) continue;
      if (items.length >= limit) break;
      items.push(e);
    }
    const result: ListResult = { items, resourceVersion: String(listRv) };
    if (i < keys.length && items.length >= limit) {
      const last = items[items.length - 1]!;
      result.continue = encodeContinue(
        listRv,
        objectKey(last.obj.metadata.namespace, last.obj.metadata.name),
      );
      if (!filter.labels.length && !filter.fields.length && !filter.namespace)
        result.remainingItemCount = keys.length - i;
    }
    return result;
  }
}
