import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { ClusterService } from '@/lib/clusters/cluster-service';
import { loadConfig } from '@/lib/config';
import { openDatabase, type Database } from '@/lib/db';
import { openTestDatabase } from '@/lib/db/testing';
import { renderKubeconfig } from '@/lib/sim/kubeconfig';

/** The operator commands as they ship: `node dist/admin.js …` (npm run rotate-key / npm run backup). */
const root = path.resolve(import.meta.dirname, '../..');
function admin(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['dist/admin.js', ...args],
      { cwd: root, env: { PATH: process.env.PATH, ...env } as unknown as NodeJS.ProcessEnv, timeout: 30_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

const ok = () => Promise.resolve({ version: 'v1.31.0', nodesListed: 1, latencyMs: 1 });
const kubeconfig = (name: string) =>
  renderKubeconfig({
    server: `https://${name}.example:6443`,
    token: `token-of-${name}`,
    contextName: name,
    userName: name,
  });

async function seed(db: Database, key: Buffer, names: string[]) {
  const svc = new ClusterService(db, { key, tester: ok });
  for (const name of names) await svc.add({ name, kubeconfig: kubeconfig(name) });
}

async function readable(db: Database, key: Buffer): Promise<string[]> {
  const rows = await new ClusterService(db, { key, tester: ok }).loadForRuntime();
  return rows.filter((r) => r.kubeconfig?.includes(`token-of-${r.name}`)).map((r) => r.name);
}

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'knm-admin-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('npm run rotate-key', () => {
  it('with the generated key file: re-encrypts every kubeconfig and replaces the file', async () => {
    const dataDir = tempDir();
    const oldKey = (await loadConfig({ DATA_DIR: dataDir })).encryptionKey;
    let db = await openDatabase({ dataDir });
    await seed(db, oldKey, ['alpha', 'beta']);
    await db.close();

    const r = await admin(['rotate-key'], { DATA_DIR: dataDir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('re-encrypted 2 kubeconfig(s)');
    const newKey = Buffer.from(readFileSync(path.join(dataDir, 'encryption.key'), 'utf8').trim(), 'base64');
    expect(newKey.equals(oldKey)).toBe(false);
    expect(existsSync(path.join(dataDir, 'encryption.key.next'))).toBe(false);
    // what the app loads on its next start
    expect((await loadConfig({ DATA_DIR: dataDir })).encryptionKey.equals(newKey)).toBe(true);
    db = await openDatabase({ dataDir });
    expect(await readable(db, newKey)).toEqual(['alpha', 'beta']);
    expect(await readable(db, oldKey)).toEqual([]);
    await db.close();
  });

  it('with ENCRYPTION_KEY on PostgreSQL: prints a generated key; a key that opens nothing changes nothing', async () => {
    const t = await openTestDatabase('postgres');
    try {
      const oldKey = randomBytes(32);
      await seed(t.db, oldKey, ['prod', 'stage']);
      const env = { DATA_DIR: tempDir(), DATABASE_URL: t.url! };

      const wrong = await admin(['rotate-key', '--generate'], {
        ...env,
        ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      });
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain(
        `'prod', 'stage' opens with neither the old nor the new key; nothing was changed`,
      );
      expect(await readable(t.db, oldKey)).toEqual(['prod', 'stage']);

      const r = await admin(['rotate-key', '--generate'], {
        ...env,
        ENCRYPTION_KEY: oldKey.toString('base64'),
      });
      expect(r.code, r.stderr).toBe(0);
      const newKey = Buffer.from(r.stdout.trim(), 'base64');
      expect(newKey).toHaveLength(32);
      expect(await readable(t.db, newKey)).toEqual(['prod', 'stage']);

      // an interrupted rotation run again with the same keys finishes without harm
      const again = await admin(['rotate-key'], {
        ...env,
        ENCRYPTION_KEY: oldKey.toString('base64'),
        NEW_ENCRYPTION_KEY: newKey.toString('base64'),
      });
      expect(again.code, again.stderr).toBe(0);
      expect(again.stderr).toContain('2 already used the new key');
      expect(await readable(t.db, newKey)).toEqual(['prod', 'stage']);
    } finally {
      await t.cleanup();
    }
  });
});

describe('npm run backup', () => {
  it('copies the SQLite database online while another connection keeps writing', async () => {
    const dataDir = tempDir();
    const key = randomBytes(32);
    const db = await openDatabase({ dataDir });
    try {
      await seed(db, key, ['one']);
      const dest = path.join(tempDir(), 'backup.sqlite');
      const running = admin(['backup', dest], { DATA_DIR: dataDir });
      await seed(db, key, ['two']); // the app keeps working meanwhile
      const r = await running;
      expect(r.code, r.stderr).toBe(0);
      const copy = new BetterSqlite3(dest, { readonly: true });
      const names = (
        copy.prepare('select name from clusters order by name').all() as Array<{ name: string }>
      ).map((x) => x.name);
      copy.close();
      expect(names[0]).toBe('one');

      const again = await admin(['backup', dest], { DATA_DIR: dataDir });
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('already exists');
      const pg = await admin(['backup', dest + '2'], {
        DATA_DIR: dataDir,
        DATABASE_URL: 'postgres://x@127.0.0.1/y',
      });
      expect(pg.stderr).toContain('pg_dump');
    } finally {
      await db.close();
    }
  });
});
