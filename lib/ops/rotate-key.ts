import type { Database } from '@/lib/db';
import { decryptSecret, encryptSecret } from '@/lib/crypto/secret-box';

export interface RotateResult {
  /** re-encrypted from the old key to the new one */
  rotated: string[];
  /** already under the new key (a rerun after an interrupted rotation) */
  alreadyNew: string[];
}

export class RotateKeyError extends Error {
  override name = 'RotateKeyError';
}

/**
 * Re-encrypts every stored kubeconfig from `oldKey` to `newKey` in one transaction, so the table
 * is never left half-rotated. Rows already readable with the new key are left alone, which makes
 * a rerun safe; a row that neither key opens aborts everything and is named.
 */
export async function rotateEncryptionKey(
  db: Database,
  oldKey: Buffer,
  newKey: Buffer,
): Promise<RotateResult> {
  const result: RotateResult = { rotated: [], alreadyNew: [] };
  await db.kysely.transaction().execute(async (trx) => {
    const rows = await trx
      .selectFrom('clusters')
      .select(['name', 'kubeconfig_enc'])
      .where('kubeconfig_enc', 'is not', null)
      .orderBy('name')
      .execute();
    const unreadable: string[] = [];
    for (const row of rows) {
      const blob = row.kubeconfig_enc!;
      let plain: string;
      try {
        plain = decryptSecret(blob, oldKey, row.name);
      } catch {
        try {
          decryptSecret(blob, newKey, row.name);
          result.alreadyNew.push(row.name);
        } catch {
          unreadable.push(row.name);
        }
        continue;
      }
      await trx
        .updateTable('clusters')
        .set({ kubeconfig_enc: encryptSecret(plain, newKey, row.name) })
        .where('name', '=', row.name)
        .execute();
      result.rotated.push(row.name);
    }
    if (unreadable.length)
      throw new RotateKeyError(
        `the stored kubeconfig of ${unreadable.map((n) => `'${n}'`).join(', ')} opens with neither the old nor the new key; nothing was changed`,
      );
  });
  return result;
}
