import { describe, expect, it } from 'vitest';
import { makeNode } from '@/lib/client/test-fixtures';
import { nodeQuery } from '@/lib/protocol/node-query';
import { evaluateFleetQuery, mergeFleet } from './fleet-query';

const ids = (rows: { cluster: string; node: { name: string } }[]) =>
  rows.map((r) => `${r.cluster}/${r.node.name}`);

describe('the all-clusters query', () => {
  const a = { cluster: 'a', nodes: [makeNode('node-1'), makeNode('node-10', { status: 'NotReady' })] };
  const b = { cluster: 'b', nodes: [makeNode('node-1'), makeNode('node-2', { unschedulable: true })] };

  it('merges in the one-cluster order, the cluster breaking ties, descending the exact reverse', () => {
    expect(ids(mergeFleet([b, a], nodeQuery()))).toEqual(['a/node-1', 'b/node-1', 'b/node-2', 'a/node-10']);
    expect(ids(mergeFleet([a, b], nodeQuery({ dir: 'desc' })))).toEqual([
      'a/node-10',
      'b/node-2',
      'b/node-1',
      'a/node-1',
    ]);
    expect(ids(mergeFleet([a, b], nodeQuery({ sort: 'status' })))).toEqual([
      'a/node-10',
      'b/node-2',
      'a/node-1',
      'b/node-1',
    ]);
  });

  it('filters every cluster with the same evaluator', () => {
    expect(ids(evaluateFleetQuery([a, b], nodeQuery({ schedulable: true })))).toEqual([
      'a/node-1',
      'b/node-1',
      'a/node-10',
    ]);
    expect(() => evaluateFleetQuery([a], nodeQuery({ labelSelector: 'a in (' }))).toThrow(/labelSelector/);
  });
});
