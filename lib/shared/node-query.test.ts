import { describe, expect, it } from 'vitest';
import { makeNode } from '@/lib/client/test-fixtures';
import { nodeQuery } from '@/lib/protocol/node-query';
import { compileNodeFilter, evaluateNodeQuery, NodeQueryError } from './node-query';

describe('the node query evaluator', () => {
  const nodes = [
    makeNode('node-10', { status: 'NotReady' }),
    makeNode('node-9', { unschedulable: true }),
    makeNode('node-1', { taints: [{ key: 'gpu', effect: 'NoSchedule' }] }),
  ];

  it('orders names naturally, problems first by status, and windows the result', () => {
    expect(evaluateNodeQuery(nodes, nodeQuery()).items.map((n) => n.name)).toEqual([
      'node-1',
      'node-9',
      'node-10',
    ]);
    expect(evaluateNodeQuery(nodes, nodeQuery({ sort: 'status' })).items.map((n) => n.name)).toEqual([
      'node-10',
      'node-9',
      'node-1',
    ]);
    expect(evaluateNodeQuery(nodes, nodeQuery({ dir: 'desc' }), { offset: 1, limit: 1 })).toMatchObject({
      total: 3,
      items: [{ name: 'node-9' }],
    });
  });

  it('filters by taint effect alone and throws an error naming the field', () => {
    expect(evaluateNodeQuery(nodes, nodeQuery({ taint: ':NoSchedule' })).total).toBe(1);
    expect(() => compileNodeFilter(nodeQuery({ taint: 'a:Never' }))).toThrow(NodeQueryError);
    try {
      compileNodeFilter(nodeQuery({ labelSelector: 'a in (' }));
    } catch (e) {
      expect(e).toMatchObject({ field: 'labelSelector', name: 'NodeQueryError' });
    }
  });
});
