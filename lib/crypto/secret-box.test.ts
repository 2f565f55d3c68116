import { describe, expect, it } from 'vitest';
import { DecryptError, decryptSecret, encryptSecret } from './secret-box';

const key = Buffer.alloc(32, 7);

describe('secret box', () => {
  it('round-trips and uses a fresh IV each time', () => {
    const a = encryptSecret('token: abc', key, 'c1');
    const b = encryptSecret('token: abc', key, 'c1');
    expect(a).not.toBe(b);
    expect(a).not.toContain('abc');
    expect(decryptSecret(a, key, 'c1')).toBe('token: abc');
  });

  it('detects tampering of any byte', () => {
    const blob = encryptSecret('secret material', key);
    const raw = Buffer.from(blob.slice(3), 'base64');
    for (const i of [0, 13, raw.length - 1]) {
      const copy = Buffer.from(raw);
      copy[i] = (copy[i] ?? 0) ^ 1;
      expect(() => decryptSecret(`v1:${copy.toString('base64')}`, key)).toThrow(DecryptError);
    }
  });

  it('rejects a wrong key, wrong aad and unknown format', () => {
    const blob = encryptSecret('x', key, 'a');
    expect(() => decryptSecret(blob, Buffer.alloc(32, 8), 'a')).toThrow(DecryptError);
    expect(() => decryptSecret(blob, key, 'b')).toThrow(DecryptError);
    expect(() => decryptSecret('v2:abcd', key)).toThrow(/unsupported/);
    expect(() => decryptSecret('v1:abcd', key)).toThrow(/too short/);
    expect(() => encryptSecret('x', Buffer.alloc(16))).toThrow(RangeError);
  });
});
