import { existsSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';

/**
 * SQLite's online backup API: a consistent copy while the app keeps reading and writing
 * (WAL mode), page by page, without stopping it. PostgreSQL is backed up with pg_dump instead.
 */
export async function backupSqlite(dataDir: string, dest: string): Promise<{ file: string; pages: number }> {
  const file = path.join(dataDir, 'knm.sqlite');
  if (!existsSync(file)) throw new Error(`no database at ${file} (is DATA_DIR right?)`);
  if (existsSync(dest)) throw new Error(`${dest} already exists; choose a new file name`);
  const db = new BetterSqlite3(file, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const progress = await db.backup(dest);
    return { file: dest, pages: progress.totalPages };
  } finally {
    db.close();
  }
}
