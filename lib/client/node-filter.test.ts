import { describe, expect, it } from 'vitest';
import { nodeQuery, type NodeQuery, type NodeSortColumn } from '@/lib/protocol/node-query';
import { collectRoles, filterNodes } from './node-filter';
import { makeNode } from './test-fixtures';

const nodes = [
  makeNode('node-10', { status: 'NotReady', roles: ['worker'], labels: { zone: 'b' } }),
  makeNode('node-2', {
    unschedulable: true,
    taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }],
    labels: { zone: 'a', tier: 'gpu' },
    pods: { count: 50, cpuRequestsMilli: 3000, memoryRequestsBytes: 1, phases: {} },
  }),
  makeNode('cp-1', {
    roles: ['control-plane'],
    status: 'Unknown',
    creationTimestamp: '2025-01-01T00:00:00Z',
    static: { ...makeNode('x').static, addresses: [{ type: 'InternalIP', address: '10.9.9.9' }] },
  }),
  makeNode('node-1', { labels: { zone: 'a' } }),
];
// the server sends lists in natural name order
const sortedByName = [nodes[2]!, nodes[3]!, nodes[1]!, nodes[0]!];

type Sort = { sort: NodeSortColumn; dir: 'asc' | 'desc' };
const run = (f: Partial<NodeQuery>, sort?: Sort) => filterNodes(sortedByName, nodeQuery({ ...f, ...sort }));
const names = (f: Partial<NodeQuery>, sort?: Sort) => run(f, sort).items.map((n) => n.name);

describe('filterNodes', () => {
  it('sorts by name naturally and reverses for desc', () => {
    expect(names({})).toEqual(['cp-1', 'node-1', 'node-2', 'node-10']);
    expect(names({}, { sort: 'name', dir: 'desc' })).toEqual(['node-10', 'node-2', 'node-1', 'cp-1']);
  });

  it('filters by status, role, schedulability', () => {
    expect(names({ status: ['NotReady'] })).toEqual(['node-10']);
    expect(names({ role: 'control-plane' })).toEqual(['cp-1']);
    expect(names({ schedulable: false })).toEqual(['node-2']);
    expect(names({ schedulable: true })).toEqual(['cp-1', 'node-1', 'node-10']);
  });

  it('matches all free-text terms against name, IP and labels', () => {
    expect(names({ text: '10.9.9' })).toEqual(['cp-1']);
    expect(names({ text: 'NODE zone=a' })).toEqual(['node-1', 'node-2']);
    expect(names({ text: 'tier=gpu node-1' })).toEqual([]);
  });

  it('applies label selectors and reports malformed ones without filtering on them', () => {
    expect(names({ labelSelector: 'zone=a,tier' })).toEqual(['node-2']);
    const bad = run({ labelSelector: 'zone in (a' });
    expect(bad.errors.labelSelector).toMatch(/^invalid labelSelector: /);
    expect(bad.items).toHaveLength(4);
  });

  it('filters by taint key/value/effect, negation and presence', () => {
    expect(names({ taint: 'dedicated' })).toEqual(['node-2']);
    expect(names({ taint: 'dedicated=gpu:NoSchedule' })).toEqual(['node-2']);
    expect(names({ taint: 'dedicated:NoExecute' })).toEqual([]);
    expect(names({ taint: '!dedicated' })).toEqual(['cp-1', 'node-1', 'node-10']);
    expect(names({ taint: 'tainted' })).toEqual(['node-2']);
    expect(names({ taint: 'untainted' })).toHaveLength(3);
    expect(run({ taint: 'a:Sometimes' }).errors.taint).toMatch(/NoSchedule/);
    expect(run({ taint: 'a:Sometimes' }).errors.taint).not.toMatch(/labelSelector/);
  });

  it('sorts by status (problems first), pods, cpu ratio and age with a name tie-break', () => {
    expect(names({}, { sort: 'status', dir: 'asc' })).toEqual(['node-10', 'cp-1', 'node-2', 'node-1']);
    expect(names({}, { sort: 'pods', dir: 'desc' })[0]).toBe('node-2');
    expect(names({}, { sort: 'cpu', dir: 'desc' })[0]).toBe('node-2');
    expect(names({}, { sort: 'age', dir: 'desc' })[0]).toBe('cp-1');
  });

  it('does not mutate its input', () => {
    const many = Array.from({ length: 500 }, (_, i) =>
      makeNode(`n-${i}`, { labels: { zone: i % 2 ? 'a' : 'b' } }),
    );
    const copy = many.slice();
    const r = filterNodes(many, nodeQuery({ labelSelector: 'zone=a', text: 'n-', sort: 'cpu', dir: 'desc' }));
    expect(r.items).toHaveLength(250);
    expect(many).toEqual(copy);
  });

  it('collects distinct roles', () => {
    expect(collectRoles(nodes)).toEqual(['control-plane', 'worker']);
  });
});
