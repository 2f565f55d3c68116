import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, parseEnv } from '@/lib/config';
import { KEY_BYTES } from '@/lib/crypto/secret-box';
import { openDatabase } from '@/lib/db';
import { backupSqlite } from './backup';
import { rotateEncryptionKey } from './rotate-key';

// Operator commands, built to dist/admin.js: `npm run rotate-key`, `npm run backup -- FILE`.
// They read the same environment as the app (DATA_DIR, DATABASE_URL, ENCRYPTION_KEY).

const usage = `usage:
  admin rotate-key [--new-key-file FILE | --generate]
      Re-encrypts every stored kubeconfig with a new ENCRYPTION_KEY. The old key is ENCRYPTION_KEY
      (or $DATA_DIR/encryption.key). The new key is read from FILE or NEW_ENCRYPTION_KEY, or generated.
      With the key file, the new key replaces it; with ENCRYPTION_KEY set, a generated key is printed.
  admin backup FILE
      Online backup of the embedded SQLite database to FILE (the app may keep running).`;

function decodeKey(text: string, what: string): Buffer {
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES) throw new ConfigError(`${what}: must be ${KEY_BYTES} bytes, base64-encoded`);
  return key;
}

async function rotateKey(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { 'new-key-file': { type: 'string' }, generate: { type: 'boolean' } },
  });
  const env = parseEnv(process.env);
  const keyFile = path.join(env.DATA_DIR, 'encryption.key');
  const pendingFile = `${keyFile}.next`;
  const fromFile = !env.ENCRYPTION_KEY;
  if (fromFile && !existsSync(keyFile))
    throw new ConfigError(`ENCRYPTION_KEY is unset and ${keyFile} does not exist: nothing to rotate`);
  const oldKey = fromFile
    ? decodeKey(await readFile(keyFile, 'utf8'), keyFile)
    : decodeKey(env.ENCRYPTION_KEY!, 'ENCRYPTION_KEY');

  let newKey: Buffer;
  let generated = false;
  if (values['new-key-file'])
    newKey = decodeKey(await readFile(values['new-key-file'], 'utf8'), '--new-key-file');
  else if (process.env.NEW_ENCRYPTION_KEY)
    newKey = decodeKey(process.env.NEW_ENCRYPTION_KEY, 'NEW_ENCRYPTION_KEY');
  else if (fromFile && existsSync(pendingFile))
    newKey = decodeKey(await readFile(pendingFile, 'utf8'), pendingFile); // resume
  else if (values.generate || fromFile) {
    newKey = randomBytes(KEY_BYTES);
    generated = true;
  } else throw new ConfigError('give the new key: --new-key-file FILE, NEW_ENCRYPTION_KEY, or --generate');
  if (newKey.equals(oldKey)) throw new ConfigError('the new key is the old key');

  // The key file is replaced only after the database committed; the pending file lets a rerun finish.
  if (fromFile) await writeFile(pendingFile, newKey.toString('base64') + '\n', { mode: 0o600 });
  const db = await openDatabase({ url: env.DATABASE_URL, dataDir: env.DATA_DIR, poolSize: 1 });
  try {
    const result = await rotateEncryptionKey(db, oldKey, newKey);
    console.error(
      `re-encrypted ${result.rotated.length} kubeconfig(s)` +
        (result.alreadyNew.length ? `; ${result.alreadyNew.length} already used the new key` : ''),
    );
  } finally {
    await db.close();
  }
  if (fromFile) {
    await rename(pendingFile, keyFile);
    console.error(`${keyFile} now holds the new key; restart the app`);
  } else {
    console.error('set ENCRYPTION_KEY to the new key on every replica and restart them');
    if (generated) console.log(newKey.toString('base64'));
  }
}

async function backup(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, allowPositionals: true });
  const dest = positionals[0];
  if (!dest || positionals.length > 1) throw new ConfigError(usage);
  const env = parseEnv(process.env);
  if (env.DATABASE_URL) throw new ConfigError('DATABASE_URL is set: back up PostgreSQL with pg_dump');
  const { file, pages } = await backupSqlite(env.DATA_DIR, dest);
  console.error(`backed up ${pages} pages to ${file}`);
}

const commands: Record<string, (args: string[]) => Promise<void>> = { 'rotate-key': rotateKey, backup };
const [name, ...rest] = process.argv.slice(2);
const command = name ? commands[name] : undefined;
if (!command) {
  console.error(usage);
  process.exit(2);
}
try {
  await command(rest);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
}
