import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KEY_BYTES } from './secret-box';

export class EncryptionKeyError extends Error {
  readonly code = 'invalid_encryption_key';
  constructor(message: string) {
    super(message);
    this.name = 'EncryptionKeyError';
  }
}

export const KEY_FILE_NAME = 'encryption.key';

/** Decodes ENCRYPTION_KEY (base64 of exactly 32 bytes); errors name the variable, never echo it. */
export function parseEncryptionKey(base64: string, source = 'ENCRYPTION_KEY'): Buffer {
  const trimmed = base64.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed))
    throw new EncryptionKeyError(`${source} is not valid base64`);
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES) {
    throw new EncryptionKeyError(`${source} must decode to ${KEY_BYTES} bytes, got ${key.length}`);
  }
  return key;
}

/**
 * The env key wins; otherwise `<dataDir>/encryption.key` is read, or generated with mode 0600
 * on first start. Losing that file makes stored kubeconfigs unreadable, hence the env option.
 */
export function loadEncryptionKey(opts: { envKey?: string; dataDir: string }): Buffer {
  if (opts.envKey !== undefined && opts.envKey.trim() !== '') return parseEncryptionKey(opts.envKey);
  const file = path.join(opts.dataDir, KEY_FILE_NAME);
  let existing: string | undefined;
  try {
    existing = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (existing !== undefined) {
    const key = parseEncryptionKey(existing, file);
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return key;
  }
  mkdirSync(opts.dataDir, { recursive: true });
  const key = randomBytes(KEY_BYTES);
  // 'wx' so two processes racing on first start cannot both write different keys.
  try {
    writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      return parseEncryptionKey(readFileSync(file, 'utf8'), file);
    throw err;
  }
  return key;
}
