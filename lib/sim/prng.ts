/** Small deterministic PRNG (mulberry32) so seeded simulators produce identical clusters and churn. */
export class Prng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }
  pick<T>(arr: readonly T[]): T {
    return arr[this.int(arr.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  hex(len: number): string {
    let s = '';
    for (let i = 0; i < len; i++) s += '0123456789abcdef'[this.int(16)];
    return s;
  }
  alnum(len: number): string {
    const chars = 'bcdfghjklmnpqrstvwxz2456789';
    let s = '';
    for (let i = 0; i < len; i++) s += chars[this.int(chars.length)];
    return s;
  }
}
