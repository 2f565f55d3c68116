import { describe, expect, it } from 'vitest';
import { planReconcile } from './runtime-clusters';

describe('planReconcile', () => {
  it('registers new and changed clusters and drops removed ones', () => {
    const applied = new Map([
      ['same', 1],
      ['rotated', 1],
      ['gone', 1],
    ]);
    const plan = planReconcile(applied, [
      { name: 'same', updatedAt: 1 },
      { name: 'rotated', updatedAt: 2 },
      { name: 'new', updatedAt: 5 },
    ]);
    expect(plan).toEqual({ apply: ['rotated', 'new'], remove: ['gone'] });
    expect(planReconcile(new Map(), [])).toEqual({ apply: [], remove: [] });
  });
});
