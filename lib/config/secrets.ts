import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Returns the secret stored in `<dataDir>/<name>`, creating it with `bytes` random bytes
 * (mode 0600) on first start, so no installation ever runs on a default secret.
 */
export async function loadOrCreateSecret(dataDir: string, name: string, bytes: number): Promise<Buffer> {
  const file = path.join(dataDir, name);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  try {
    const raw = await readFile(file);
    const mode = (await stat(file)).mode & 0o777;
    if (mode & 0o077) await chmod(file, 0o600);
    const value = Buffer.from(raw.toString('utf8').trim(), 'base64');
    if (value.length !== bytes) throw new Error(`${file} is corrupt: expected ${bytes} base64-encoded bytes`);
    return value;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const value = randomBytes(bytes);
  // 'wx' fails if another process created it meanwhile; then read theirs.
  try {
    await writeFile(file, value.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    return value;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadOrCreateSecret(dataDir, name, bytes);
    throw err;
  }
}
