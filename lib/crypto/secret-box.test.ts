import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EncryptionKeyError, loadEncryptionKey, parseEncryptionKey } from './key-file';
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

describe('encryption key loading', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(path.join(tmpdir(), 'knm-key-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('parses a valid env key and names the variable on errors', () => {
    expect(parseEncryptionKey(key.toString('base64'))).toEqual(key);
    expect(() => parseEncryptionKey('short')).toThrow(/ENCRYPTION_KEY must decode to 32 bytes/);
    expect(() => parseEncryptionKey('not base64!!')).toThrow(EncryptionKeyError);
  });

  it('generates a 0600 key file once and reuses it', () => {
    const dir = tmp();
    const first = loadEncryptionKey({ dataDir: dir });
    const file = path.join(dir, 'encryption.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadEncryptionKey({ dataDir: dir })).toEqual(first);
    expect(readFileSync(file, 'utf8').trim()).toBe(first.toString('base64'));
  });

  it('prefers the env key and rejects a corrupt key file', () => {
    const dir = tmp();
    expect(loadEncryptionKey({ dataDir: dir, envKey: key.toString('base64') })).toEqual(key);
    writeFileSync(path.join(dir, 'encryption.key'), 'abc');
    expect(() => loadEncryptionKey({ dataDir: dir })).toThrow(EncryptionKeyError);
  });
});
