import { describe, expect, it } from 'vitest';
import { formatNodeQuery, nodeQuery } from '@/lib/protocol/node-query';
import { clearFilters, toggleSort } from './use-node-query-url';

describe('node query URL actions', () => {
  it('toggles the direction on the same column and starts ascending on a new one', () => {
    const q = toggleSort(nodeQuery(), 'name');
    expect(formatNodeQuery(q)).toBe('sort=-name');
    expect(formatNodeQuery(toggleSort(q, 'pods'))).toBe('sort=pods');
  });

  it('clears the filters and keeps the order', () => {
    const q = nodeQuery({ text: 'gpu', status: ['NotReady'], sort: 'cpu', dir: 'desc' });
    expect(formatNodeQuery(clearFilters(q))).toBe('sort=-cpu');
  });
});
