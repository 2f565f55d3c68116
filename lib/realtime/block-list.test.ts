import { describe, expect, it } from 'vitest';
import { BlockList } from './block-list';

function prng(seed: number) {
  return (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
}

describe('BlockList', () => {
  it('stays equal to a sorted array through random inserts, removals and replacements across block splits', () => {
    const rnd = prng(3);
    const start = Array.from({ length: 700 }, (_, i) => i * 2).sort((a, b) => a - b);
    const list = new BlockList(start);
    const ref = [...start];
    for (let step = 0; step < 6000; step++) {
      const op = rnd(5);
      if (op < 3 || ref.length === 0) {
        const v = rnd(5000);
        const i = list.bound((x) => x < v);
        expect(i).toBe(ref.findIndex((x) => x >= v) === -1 ? ref.length : ref.findIndex((x) => x >= v));
        list.insert(i, v);
        ref.splice(i, 0, v);
      } else if (op === 3) {
        const i = rnd(ref.length);
        expect(list.removeAt(i)).toBe(ref[i]);
        ref.splice(i, 1);
      } else {
        const i = rnd(ref.length);
        list.set(i, ref[i]!);
        expect(list.at(i)).toBe(ref[i]);
      }
      if (step % 500 === 0) expect(list.toArray()).toEqual(ref);
    }
    expect(list.length).toBe(ref.length);
    expect(list.toArray()).toEqual(ref);
    const at = rnd(ref.length);
    expect(list.slice(at, at + 60)).toEqual(ref.slice(at, at + 60));
    expect(list.slice(ref.length - 5, ref.length + 10)).toEqual(ref.slice(ref.length - 5));
    const reversed: number[] = [];
    list.forEach((x) => void reversed.push(x), true);
    expect(reversed).toEqual([...ref].reverse());
  });

  it('empties and refills, and refuses positions outside the list', () => {
    const list = new BlockList<number>();
    expect(list.bound(() => true)).toBe(0);
    list.insert(0, 1);
    list.insert(1, 2);
    expect(list.removeAt(0)).toBe(1);
    expect(list.removeAt(0)).toBe(2);
    expect(list.length).toBe(0);
    expect(list.at(0)).toBeUndefined();
    expect(() => list.removeAt(0)).toThrow(RangeError);
    expect(() => list.insert(1, 5)).toThrow(RangeError);
    list.insert(0, 7);
    expect(list.toArray()).toEqual([7]);
  });
});

describe('BlockList sorted operations', () => {
  it('insertSorted, removeSorted and replaceSorted agree with a sorted array, and removeSorted refuses an absent item', () => {
    const rnd = prng(11);
    const list = new BlockList<{ v: number }>();
    const ref: { v: number }[] = [];
    const before = (v: number) => (x: { v: number }) => x.v < v;
    for (let step = 0; step < 5000; step++) {
      if (rnd(3) > 0 || ref.length === 0) {
        const item = { v: rnd(100_000) * 2 + 1 };
        if (ref.some((x) => x.v === item.v)) continue;
        list.insertSorted(before(item.v), item);
        ref.splice(
          ref.findIndex((x) => x.v >= item.v) === -1 ? ref.length : ref.findIndex((x) => x.v >= item.v),
          0,
          item,
        );
      } else {
        const i = rnd(ref.length);
        const item = ref[i]!;
        expect(list.removeSorted(before(item.v), { v: item.v })).toBe(false); // equal key, other object
        if (rnd(2)) {
          const next = { v: item.v };
          expect(list.replaceSorted(before(item.v), next)).toBe(true);
          ref[i] = next;
        } else {
          expect(list.removeSorted(before(item.v), item)).toBe(true);
          ref.splice(i, 1);
        }
      }
    }
    expect(list.length).toBe(ref.length);
    expect(list.toArray()).toEqual(ref);
    expect(list.toArray().every((x, i) => x === ref[i])).toBe(true);
  });
});
