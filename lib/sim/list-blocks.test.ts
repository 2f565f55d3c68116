import { describe, expect, it } from 'vitest';
import { ListBlocks } from './list-blocks';

describe('ListBlocks', () => {
  it('joins items across blocks and re-joins only the invalidated block', () => {
    const data = new Map<string, Buffer>(
      Array.from({ length: 7 }, (_, i) => [`k${i}`, Buffer.from(`{"i":${i}}`)] as const),
    );
    const blocks = new ListBlocks([...data.keys()], (k) => data.get(k)!, 3);
    const first = blocks.parts();
    expect(JSON.parse(`[${Buffer.concat(first).toString()}]`)).toEqual(
      [0, 1, 2, 3, 4, 5, 6].map((i) => ({ i })),
    );
    data.set('k4', Buffer.from('{"i":"four"}'));
    expect(blocks.invalidate('k4')).toBe(true);
    expect(blocks.invalidate('nope')).toBe(false);
    const second = blocks.parts();
    expect(second[0]).toBe(first[0]);
    expect(second[2]).not.toBe(first[2]);
    expect(second[4]).toBe(first[4]);
    expect(JSON.parse(`[${Buffer.concat(second).toString()}]`)[4]).toEqual({ i: 'four' });
    expect(new ListBlocks([], () => Buffer.alloc(0)).parts()).toEqual([]);
  });
});
