import { describe, expect, it } from 'vitest';
import { SimApiError } from './errors';
import { startNodeLifecycle } from './node-lifecycle';
import { SimStore } from './sim-store';
import type { StoreEvent } from './store';

function catchErr(fn: () => unknown): SimApiError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SimApiError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

function setup(nodes = 3, historyWindowMs = 75_000) {
  let now = 1_700_000_000_000;
  const store = new SimStore({ seed: 3, now: () => now, historyWindowMs });
  for (let i = 0; i < nodes; i++) store.createNode();
  const events: StoreEvent[] = [];
  store.subscribe((e) => events.push(e));
  return { store, events, tick: (ms: number) => (now += ms) };
}

describe('SimStore', () => {
  it('is deterministic for a seed', () => {
    expect(setup().store.nodeNames()).toEqual(setup().store.nodeNames());
    expect(setup().store.digest()).toEqual(setup().store.digest());
  });

  it('bumps one global resourceVersion per write and emits one event', () => {
    const { store, events } = setup();
    const rv0 = Number(store.resourceVersion);
    const name = store.nodeNames()[0]!;
    const n = store.setNodeLabels(name, { x: '1' });
    expect(Number(n.metadata.resourceVersion)).toBe(rv0 + 1);
    expect(events.map((e) => [e.type, e.rv])).toEqual([['MODIFIED', rv0 + 1]]);
    expect(JSON.parse(events[0]!.entry.json).metadata.labels.x).toBe('1');
  });

  it('a no-op write changes no resourceVersion and emits nothing', () => {
    const { store, events } = setup();
    const name = store.nodeNames()[0]!;
    const before = store.getNode(name);
    expect(store.setNodeLabels(name, { 'kubernetes.io/os': 'linux' })).toBe(before);
    expect(store.patchNode(name, { spec: {} }, 'strategic')).toBe(before);
    expect(events).toEqual([]);
  });

  it('PUT with a stale resourceVersion → 409 with kube wording', () => {
    const { store } = setup();
    const name = store.nodeNames()[0]!;
    const stale = store.getNode(name);
    store.setNodeLabels(name, { y: '1' });
    const err = catchErr(() =>
      store.updateNode({ ...stale, metadata: { ...stale.metadata, labels: { z: '1' } } }),
    );
    expect(err.code).toBe(409);
    expect(err.toStatus()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `Operation cannot be fulfilled on nodes "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      reason: 'Conflict',
      details: { name, kind: 'nodes' },
      code: 409,
    });
  });

  it('invalid labels/taints → 422 with causes, store unchanged', () => {
    const { store, events } = setup();
    const name = store.nodeNames()[0]!;
    const before = store.digest();
    const err = catchErr(() =>
      store.patchNode(
        name,
        { metadata: { labels: { 'bad key': 'v' } }, spec: { taints: [{ key: 'k', effect: 'Nope' }] } },
        'merge',
      ),
    );
    expect(err.code).toBe(422);
    expect(err.reason).toBe('Invalid');
    expect(err.details?.causes?.map((c) => c.field)).toEqual(['metadata.labels', 'spec.taints[0].effect']);
    expect(err.message).toMatch(new RegExp(`^Node "${name}" is invalid: \\[`));
    expect(store.digest()).toBe(before);
    expect(events).toEqual([]);
  });

  it('creates 409 AlreadyExists and 404 NotFound Statuses', () => {
    const { store } = setup();
    const name = store.nodeNames()[0]!;
    expect(catchErr(() => store.createNode({ name })).toStatus().message).toBe(
      `nodes "${name}" already exists`,
    );
    expect(catchErr(() => store.getNode('nope')).toStatus()).toMatchObject({
      code: 404,
      reason: 'NotFound',
      message: 'nodes "nope" not found',
    });
  });

  it('paginates at one resourceVersion even when objects change between pages', () => {
    const { store } = setup(7);
    const p1 = store.list('nodes', { limit: 3 });
    expect(p1.items).toHaveLength(3);
    expect(p1.remainingItemCount).toBe(4);
    const sorted = store.nodeNames().sort();
    const victim = sorted[5]!;
    store.setNodeLabels(sorted[6]!, { late: 'change' });
    store.deleteNode(victim);
    store.createNode({ name: 'zzz-new' });
    const p2 = store.list('nodes', { limit: 3, continue: p1.continue });
    const p3 = store.list('nodes', { limit: 3, continue: p2.continue });
    expect(p3.continue).toBeUndefined();
    const names = [...p1.items, ...p2.items, ...p3.items].map((e) => e.obj.metadata.name);
    expect(names).toHaveLength(7);
    expect(names).toContain(victim);
    expect(names).not.toContain('zzz-new');
    expect(
      p3.items.find((e) => e.obj.metadata.name === sorted[6])!.obj.metadata.labels?.late,
    ).toBeUndefined();
    expect(p2.resourceVersion).toBe(p1.resourceVersion);
  });

  it('expired continue token → 410 Expired', () => {
    const { store, tick } = setup(5, 1000);
    const p1 = store.list('nodes', { limit: 2 });
    store.setNodeLabels(store.nodeNames()[0]!, { a: 'b' });
    tick(2000);
    store.setNodeLabels(store.nodeNames()[0]!, { a: 'c' });
    const err = catchErr(() => store.list('nodes', { limit: 2, continue: p1.continue }));
    expect(err.code).toBe(410);
    expect(err.reason).toBe('Expired');
    expect(catchErr(() => store.list('nodes', { continue: 'garbage' })).code).toBe(400);
  });

  it('eventsSince returns history after rv and expires outside the time window', () => {
    const { store, tick } = setup(2, 1000);
    const rv = Number(store.resourceVersion);
    const name = store.nodeNames()[0]!;
    store.setNodeLabels(name, { a: '1' });
    store.setNodeLabels(name, { a: '2' });
    const evs = store.eventsSince('nodes', rv);
    expect(evs).not.toBe('expired');
    expect((evs as StoreEvent[]).map((e) => e.rv)).toEqual([rv + 1, rv + 2]);
    tick(5000);
    store.setNodeLabels(name, { a: '3' });
    expect(store.eventsSince('nodes', rv)).toBe('expired');
    expect(store.eventsSince('nodes', rv + 3)).toEqual([]);
  });

  it('filters lists by label and field selectors', () => {
    const { store } = setup(4);
    const [a, b] = store.nodeNames();
    store.setNodeLabels(a!, { team: 'x' });
    store.cordonNode(b!);
    expect(store.listNodes({ labelSelector: 'team=x' }).map((n) => n.metadata.name)).toEqual([a]);
    expect(store.listNodes({ fieldSelector: 'spec.unschedulable=true' }).map((n) => n.metadata.name)).toEqual(
      [b],
    );
    expect(store.listNodes({ fieldSelector: `metadata.name=${a}` })).toHaveLength(1);
    expect(catchErr(() => store.listNodes({ fieldSelector: 'status.phase=x' })).code).toBe(400);
  });

  it('node lifecycle adds/removes unschedulable and not-ready taints as separate writes', () => {
    const { store, events } = setup(1);
    const stop = startNodeLifecycle(store);
    const name = store.nodeNames()[0]!;
    store.cordonNode(name);
    const taints = () =>
      ((store.getNode(name).spec as { taints?: Array<{ key: string }> }).taints ?? []).map((t) => t.key);
    expect(taints()).toEqual(['node.kubernetes.io/unschedulable']);
    expect(events.filter((e) => e.resource === 'nodes')).toHaveLength(2);
    expect(
      store.list('events', { fieldSelector: `involvedObject.name=${name}` }).items.map((e) => e.obj.reason),
    ).toEqual(['NodeNotSchedulable']);
    store.setNodeReady(name, false);
    expect(taints()).toEqual(['node.kubernetes.io/unschedulable', 'node.kubernetes.io/not-ready']);
    store.cordonNode(name, false);
    store.setNodeReady(name, true);
    expect(taints()).toEqual([]);
    stop();
  });

  it('caches the joined items JSON per resource until that resource changes', () => {
    const { store } = setup(3);
    const a = store.allItemsJson('nodes');
    expect(store.allItemsJson('nodes')[0]).toBe(a[0]);
    store.create('namespaces', { metadata: { name: 'other' } });
    expect(store.allItemsJson('nodes')[0]).toBe(a[0]);
    const name = store.nodeNames()[0]!;
    store.setNodeLabels(name, { fresh: 'yes' });
    store.createNode({ name: 'zz-added' });
    store.deleteNode(store.nodeNames().sort()[1]!);
    const b = store.allItemsJson('nodes');
    expect(b[0]).not.toBe(a[0]);
    const parsed = JSON.parse(`[${Buffer.concat(b).toString()}]`) as Array<{
      metadata: { name: string; labels: Record<string, string> };
    }>;
    expect(parsed.map((n) => n.metadata.name)).toEqual(store.listNodes().map((n) => n.metadata.name));
    expect(parsed.find((n) => n.metadata.name === name)!.metadata.labels.fresh).toBe('yes');
  });
});

describe('event TTL', () => {
  it('expires old Events only', async () => {
    const { expireEvents } = await import('./cluster');
    let now = 1_700_000_000_000;
    const store = new SimStore({ now: () => now });
    const stop = startNodeLifecycle(store);
    const name = store.createNode().metadata.name;
    store.cordonNode(name);
    now += 2 * 3600_000;
    store.cordonNode(name, false);
    expect(store.count('events')).toBe(2);
    expect(expireEvents(store, 3600_000)).toBe(1);
    expect(store.list('events').items.map((e) => e.obj.reason)).toEqual(['NodeSchedulable']);
    stop();
  });
});
