import { describe, expect, it } from 'vitest';
import { listQuerySchema, toNodeQuery } from './list-query';

describe('listQuerySchema', () => {
  it('maps query strings to a node query', () => {
    const q = listQuerySchema.parse({
      status: 'Ready,NotReady',
      schedulable: 'false',
      sort: '-age',
      limit: '50',
      offset: '100',
      taintKey: 'gpu',
    });
    expect(toNodeQuery(q)).toEqual({
      status: ['Ready', 'NotReady'],
      schedulable: false,
      sort: { by: 'age', dir: 'desc' },
      page: { offset: 100, limit: 50 },
      taint: { key: 'gpu', effect: undefined },
      text: undefined,
      labelSelector: undefined,
      role: undefined,
    });
    expect(toNodeQuery(listQuerySchema.parse({})).page).toBe('all');
  });

  it('names bad parameters', () => {
    const r = listQuerySchema.safeParse({ status: 'Sleepy', sort: 'colour', bogus: '1' });
    expect(r.success).toBe(false);
    const paths = r.error?.issues.map((i) => i.path.join('.') || i.message);
    expect(paths).toEqual(expect.arrayContaining(['status.0', 'sort.by']));
    expect(r.error?.issues.some((i) => i.code === 'unrecognized_keys')).toBe(true);
  });
});
