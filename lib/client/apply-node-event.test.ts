import { describe, expect, it } from 'vitest';
import {
  applyNodeEvent,
  applyNodeEvents,
  compareNodeNames,
  isOlderResourceVersion,
} from './apply-node-event';
import { makeEvent, makeList } from './test-fixtures';

describe('applyNodeEvent', () => {
  it('inserts a new node in name order and bumps seq and total', () => {
    const list = makeList(['node-1', 'node-3', 'node-10']);
    const next = applyNodeEvent(list, makeEvent('node_add', 'node-2', 11));
    expect(next.items.map((n) => n.name)).toEqual(['node-1', 'node-2', 'node-3', 'node-10']);
    expect(next.seq).toBe(11);
    expect(next.total).toBe(4);
    expect(list.items).toHaveLength(3); // input untouched
  });

  it('replaces only the changed item, sharing the others by reference', () => {
    const list = makeList(['a', 'b', 'c']);
    const next = applyNodeEvent(
      list,
      makeEvent('node_update', 'b', 11, { resourceVersion: '5', unschedulable: true }),
    );
    expect(next).not.toBe(list);
    expect(next.items).not.toBe(list.items);
    expect(next.items[0]).toBe(list.items[0]);
    expect(next.items[2]).toBe(list.items[2]);
    expect(next.items[1]!.unschedulable).toBe(true);
  });

  it('accepts an update with the same resourceVersion (pod stats change without touching the Node)', () => {
    const list = makeList(['a']);
    const ev = makeEvent('node_update', 'a', 11, {
      pods: { count: 99, cpuRequestsMilli: 0, memoryRequestsBytes: 0, phases: {} },
    });
    expect(applyNodeEvent(list, ev).items[0]!.pods.count).toBe(99);
  });

  it('rejects an update whose resourceVersion is older than the cached one but still advances seq', () => {
    const list = makeList(['a']);
    list.items[0] = { ...list.items[0]!, resourceVersion: '100' };
    const next = applyNodeEvent(
      list,
      makeEvent('node_update', 'a', 11, { resourceVersion: '99', status: 'NotReady' }),
    );
    expect(next.items).toBe(list.items);
    expect(next.items[0]!.status).toBe('Ready');
    expect(next.seq).toBe(11);
  });

  it('treats an add for a known node as an update and an update for an unknown node as an insert', () => {
    const list = makeList(['a', 'c']);
    const added = applyNodeEvent(
      list,
      makeEvent('node_add', 'a', 11, { resourceVersion: '2', status: 'Unknown' }),
    );
    expect(added.items.map((n) => n.name)).toEqual(['a', 'c']);
    expect(added.items[0]!.status).toBe('Unknown');
    const upserted = applyNodeEvent(list, makeEvent('node_update', 'b', 11));
    expect(upserted.items.map((n) => n.name)).toEqual(['a', 'b', 'c']);
  });

  it('removes a deleted node and ignores a delete for an unknown one', () => {
    const list = makeList(['a', 'b', 'c']);
    const next = applyNodeEvent(list, makeEvent('node_delete', 'b', 11));
    expect(next.items.map((n) => n.name)).toEqual(['a', 'c']);
    expect(next.total).toBe(2);
    const none = applyNodeEvent(list, makeEvent('node_delete', 'zzz', 12));
    expect(none.items).toBe(list.items);
    expect(none.seq).toBe(12);
  });

  it('ignores events at or below the list seq and events for other clusters, returning the same object', () => {
    const list = makeList(['a'], 10);
    expect(applyNodeEvent(list, makeEvent('node_delete', 'a', 10))).toBe(list);
    expect(applyNodeEvent(list, makeEvent('node_delete', 'a', 3))).toBe(list);
    expect(applyNodeEvent(list, makeEvent('node_delete', 'a', 11, {}, 'other'))).toBe(list);
  });

  it('finds nodes in a list the server sorted by byte order rather than numerically', () => {
    const list = makeList(['n-1', 'n-10', 'n-2']);
    const next = applyNodeEvent(list, makeEvent('node_delete', 'n-2', 11));
    expect(next.items.map((n) => n.name)).toEqual(['n-1', 'n-10']);
  });
});

describe('applyNodeEvents', () => {
  it('applies a batch in order with a single copy, skipping stale entries', () => {
    const list = makeList(['a', 'b'], 10);
    const next = applyNodeEvents(list, [
      makeEvent('node_add', 'c', 11),
      makeEvent('node_delete', 'a', 9), // stale
      makeEvent('node_delete', 'b', 12),
      makeEvent('node_add', 'b', 12), // duplicate seq: ignored
      makeEvent('node_update', 'c', 13, { resourceVersion: '7', roles: ['control-plane'] }),
    ]);
    expect(next.items.map((n) => n.name)).toEqual(['a', 'c']);
    expect(next.items[1]!.roles).toEqual(['control-plane']);
    expect(next.seq).toBe(13);
    expect(list.items.map((n) => n.name)).toEqual(['a', 'b']);
  });

  it('keeps 5,000 items sorted through random inserts and deletes', () => {
    let list = makeList([], 0);
    let seq = 0;
    const names = Array.from({ length: 5000 }, (_, i) => `node-${(i * 7919) % 5000}`);
    list = applyNodeEvents(
      list,
      names.map((n) => makeEvent('node_add', n, ++seq)),
    );
    expect(list.total).toBe(5000);
    list = applyNodeEvents(
      list,
      names.slice(0, 2500).map((n) => makeEvent('node_delete', n, ++seq)),
    );
    const got = list.items.map((n) => n.name);
    expect(got).toEqual([...got].sort(compareNodeNames));
    expect(got).toHaveLength(2500);
  });
});

describe('isOlderResourceVersion', () => {
  it('compares decimal versions numerically and never rejects opaque ones', () => {
    expect(isOlderResourceVersion('99', '100')).toBe(true);
    expect(isOlderResourceVersion('100', '99')).toBe(false);
    expect(isOlderResourceVersion('5', '5')).toBe(false);
    expect(isOlderResourceVersion('abc', 'abd')).toBe(false);
  });
});
