const comma = Buffer.from(',');

/**
 * The comma-joined JSON of every object of one resource, kept as blocks of `blockSize` objects so a
 * single change re-joins one block (~1 MB) instead of the whole list body (tens of MB at 10k nodes).
 */
export class ListBlocks {
  private readonly bufs: Array<Buffer | undefined>;
  private readonly blockOf = new Map<string, number>();

  constructor(
    private readonly keys: readonly string[],
    private readonly lookup: (key: string) => Buffer,
    private readonly blockSize = 256,
  ) {
    keys.forEach((k, i) => this.blockOf.set(k, Math.floor(i / blockSize)));
    this.bufs = new Array<Buffer | undefined>(Math.ceil(keys.length / blockSize));
  }

  /** Marks the block holding key stale; returns false when the key is unknown (the caller must rebuild). */
  invalidate(key: string): boolean {
    const b = this.blockOf.get(key);
    if (b === undefined) return false;
    this.bufs[b] = undefined;
    return true;
  }

  /** Body parts (blocks with separators) whose concatenation is the items array content. */
  parts(): Buffer[] {
    const out: Buffer[] = [];
    for (let b = 0; b < this.bufs.length; b++) {
      let buf = this.bufs[b];
      if (!buf) {
        const items: Buffer[] = [];
        for (let i = b * this.blockSize; i < Math.min(this.keys.length, (b + 1) * this.blockSize); i++) {
          if (items.length) items.push(comma);
          items.push(this.lookup(this.keys[i]!));
        }
        buf = this.bufs[b] = Buffer.concat(items);
      }
      if (b > 0) out.push(comma);
      out.push(buf);
    }
    return out;
  }
}
