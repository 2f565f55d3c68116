import { randomBytes } from 'node:crypto';
import zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32CombineShifted, crc32Shift } from './crc32-combine';

const crc32Combine = (a: number, b: number, lengthB: number) =>
  crc32CombineShifted(a, b, crc32Shift(lengthB));

describe('crc32Combine', () => {
  it('equals the CRC-32 of the concatenation, for random splits of random data', () => {
    for (let trial = 0; trial < 200; trial++) {
      const a = randomBytes(Math.floor(Math.random() * 3000));
      const b = randomBytes(trial % 10 === 0 ? 0 : Math.floor(Math.random() * 70_000));
      expect(crc32Combine(zlib.crc32(a), zlib.crc32(b), b.length)).toBe(zlib.crc32(Buffer.concat([a, b])));
    }
  });

  it('folds over many parts from an empty start', () => {
    const parts = Array.from({ length: 50 }, (_, i) => randomBytes(i * 37));
    let crc = 0;
    for (const p of parts) crc = crc32Combine(crc, zlib.crc32(p), p.length);
    expect(crc).toBe(zlib.crc32(Buffer.concat(parts)));
  });
});
