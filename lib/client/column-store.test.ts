import { describe, expect, it } from 'vitest';
import { toggleColumn } from './column-store';

describe('toggleColumn', () => {
  const order = ['name', 'status', 'zone', 'cpu', 'labels'];
  it('adds a column in table order, whatever order it was chosen in', () => {
    expect(toggleColumn(['labels', 'name'], 'zone', true, order)).toEqual(['name', 'zone', 'labels']);
  });
  it('removes a column and drops ids the table no longer has', () => {
    expect(toggleColumn(['name', 'gone', 'cpu'], 'cpu', false, order)).toEqual(['name']);
  });
});
