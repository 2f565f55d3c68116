/**
 * A sorted sequence kept as blocks of at most MAX_BLOCK items. One flat array would make every
 * insert or delete a splice that moves half the cluster (at 65,000 nodes that memmove, not the
 * binary search, was most of a change's cost, growing with the cluster); here a change moves at
 * most one block, so its cost barely grows with n. The caller owns the order: `before` tells
 * whether an item sorts before the target, and the search is binary over blocks, then items. Only
 * positions (bound, at, insert, removeAt) walk the block lengths (n / 512 numbers).
 */
const MAX_BLOCK = 512;

export class BlockList<T> {
  private blocks: T[][] = [];
  private count = 0;

  /** `sorted` must already be in order; it is copied. */
  constructor(sorted: readonly T[] = []) {
    for (let i = 0; i < sorted.length; i += MAX_BLOCK / 2)
      this.blocks.push(sorted.slice(i, i + MAX_BLOCK / 2));
    this.count = sorted.length;
  }

  get length(): number {
    return this.count;
  }

  /**
   * Index of the first item for which `before` is false, `before` being true for every item that
   * sorts before the target (a lower bound; items must be partitioned that way).
   */
  bound(before: (item: T) => boolean): number {
    const p = this.seek(before);
    return p ? this.startOf(p.b) + p.i : this.count;
  }

  /** Inserts at the item's sorted place (as insert(bound(before), item), without counting positions). */
  insertSorted(before: (item: T) => boolean, item: T): void {
    const p = this.seek(before);
    if (!p) return this.insert(this.count, item);
    this.count++;
    const block = this.blocks[p.b] as T[];
    block.splice(p.i, 0, item);
    if (block.length > MAX_BLOCK) this.blocks.splice(p.b + 1, 0, block.splice(MAX_BLOCK / 2));
  }

  /** Removes `item` from its sorted place; false when it is not there. */
  removeSorted(before: (item: T) => boolean, item: T): boolean {
    const p = this.seek(before);
    const block = p && (this.blocks[p.b] as T[]);
    if (!p || !block || block[p.i] !== item) return false;
    block.splice(p.i, 1);
    this.count--;
    if (block.length === 0) this.blocks.splice(p.b, 1);
    return true;
  }

  /** Puts `item` in place of the one at its sorted position (same sort key); false when none is there. */
  replaceSorted(before: (item: T) => boolean, item: T): boolean {
    const p = this.seek(before);
    if (!p) return false;
    (this.blocks[p.b] as T[])[p.i] = item;
    return true;
  }

  at(index: number): T | undefined {
    const p = this.locate(index);
    return p ? this.blocks[p.b]?.[p.i] : undefined;
  }

  set(index: number, item: T): void {
    const p = this.locate(index);
    if (!p) throw new RangeError(`index ${index} outside 0..${this.count - 1}`);
    (this.blocks[p.b] as T[])[p.i] = item;
  }

  insert(index: number, item: T): void {
    if (index < 0 || index > this.count) throw new RangeError(`index ${index} outside 0..${this.count}`);
    this.count++;
    if (this.blocks.length === 0) {
      this.blocks.push([item]);
      return;
    }
    // an index at the very end goes into the last block
    const p = index === this.count - 1 ? { b: this.blocks.length - 1, i: -1 } : this.locate(index);
    const block = this.blocks[p!.b] as T[];
    if (p!.i < 0) block.push(item);
    else block.splice(p!.i, 0, item);
    if (block.length > MAX_BLOCK) this.blocks.splice(p!.b + 1, 0, block.splice(MAX_BLOCK / 2));
  }

  removeAt(index: number): T {
    const p = this.locate(index);
    if (!p) throw new RangeError(`index ${index} outside 0..${this.count - 1}`);
    const block = this.blocks[p.b] as T[];
    const [item] = block.splice(p.i, 1);
    this.count--;
    if (block.length === 0) this.blocks.splice(p.b, 1);
    return item as T;
  }

  /** Items [start, end) in order, or in reverse order of their position when `reverse`. */
  slice(start: number, end: number): T[] {
    const out: T[] = [];
    end = Math.min(end, this.count);
    if (start >= end) return out;
    const p = this.locate(start) as { b: number; i: number };
    for (let b = p.b, i = p.i; out.length < end - start; b++, i = 0) {
      const block = this.blocks[b] as T[];
      for (; i < block.length && out.length < end - start; i++) out.push(block[i] as T);
    }
    return out;
  }

  /** Calls fn for every item, in order or reversed, until it returns false. */
  forEach(fn: (item: T) => boolean | void, reverse = false): void {
    const blocks = this.blocks;
    if (!reverse) {
      for (const block of blocks) for (const item of block) if (fn(item) === false) return;
      return;
    }
    for (let b = blocks.length - 1; b >= 0; b--) {
      const block = blocks[b] as T[];
      for (let i = block.length - 1; i >= 0; i--) if (fn(block[i] as T) === false) return;
    }
  }

  toArray(): T[] {
    const out: T[] = [];
    for (const block of this.blocks) for (const item of block) out.push(item);
    return out;
  }

  /** Block and offset of the first item not before the target; undefined past the end. */
  private seek(before: (item: T) => boolean): { b: number; i: number } | undefined {
    const blocks = this.blocks;
    let lo = 0;
    let hi = blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const b = blocks[mid] as T[];
      if (before(b[b.length - 1] as T)) lo = mid + 1;
      else hi = mid;
    }
    if (lo === blocks.length) return undefined;
    const block = blocks[lo] as T[];
    let i = 0;
    let j = block.length;
    while (i < j) {
      const mid = (i + j) >>> 1;
      if (before(block[mid] as T)) i = mid + 1;
      else j = mid;
    }
    return { b: lo, i };
  }

  private startOf(b: number): number {
    let start = 0;
    for (let k = 0; k < b; k++) start += (this.blocks[k] as T[]).length;
    return start;
  }

  private locate(index: number): { b: number; i: number } | undefined {
    if (index < 0 || index >= this.count) return undefined;
    let i = index;
    for (let b = 0; b < this.blocks.length; b++) {
      const len = (this.blocks[b] as T[]).length;
      if (i < len) return { b, i };
      i -= len;
    }
    return undefined;
  }
}
