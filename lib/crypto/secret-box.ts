import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const KEY_BYTES = 32;

export class DecryptError extends Error {
  readonly code = 'decrypt_failed';
  constructor(message: string) {
    super(message);
    this.name = 'DecryptError';
  }
}

function assertKey(key: Buffer): void {
  if (key.length !== KEY_BYTES)
    throw new RangeError(`encryption key must be ${KEY_BYTES} bytes, got ${key.length}`);
}

/**
 * AES-256-GCM with a fresh random IV per message. `aad` binds the ciphertext to its owner
 * (e.g. the cluster name) so a blob copied onto another row fails to decrypt.
 * Output: `v1:<base64(iv | tag | ciphertext)>`.
 */
export function encryptSecret(plaintext: string, key: Buffer, aad = ''): string {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return `${VERSION}:${Buffer.concat([iv, tag, ciphertext]).toString('base64')}`;
}

/** Throws DecryptError on a wrong key, wrong aad, or any tampering. */
export function decryptSecret(blob: string, key: Buffer, aad = ''): string {
  assertKey(key);
  const sep = blob.indexOf(':');
  if (sep < 0 || blob.slice(0, sep) !== VERSION) throw new DecryptError('unsupported ciphertext format');
  const raw = Buffer.from(blob.slice(sep + 1), 'base64');
  if (raw.length < IV_BYTES + TAG_BYTES) throw new DecryptError('ciphertext too short');
  const iv = raw.subarray(0, IV_BYTES);
  const tag = raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
  const ciphertext = raw.subarray(IV_BYTES + TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
  } catch {
    throw new DecryptError('ciphertext failed authentication (wrong key or tampered data)');
  }
}
