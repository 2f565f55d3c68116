import { describe, expect, it } from 'vitest';
import type { NodeListResponse } from '@/lib/protocol/api';
import type { NodeSummary } from '@/lib/protocol/node-summary';
import { listBody, nodeJson } from './list-body';

const node = (name: string) => ({ name, labels: { 'a"b': 'c\nd' }, taints: [] }) as unknown as NodeSummary;

describe('listBody', () => {
  it('is byte-identical to JSON.stringify and reuses per-node strings', () => {
    const items = [node('a'), node('b')];
    const list: NodeListResponse = { cluster: 'c', seq: 3, source: 'cache', synced: true, total: 2, items };
    expect(listBody(list)).toBe(JSON.stringify(list));
    expect(nodeJson(items[0]!)).toBe(nodeJson(items[0]!));
    expect(listBody({ ...list, items: [], total: 0 })).toBe(JSON.stringify({ ...list, items: [], total: 0 }));
  });
});
