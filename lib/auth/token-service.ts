import { randomUUID } from 'node:crypto';
import type { Database } from '@/lib/db';
import type { ApiTokensTable } from '@/lib/db/schema';
import { displayPrefix, generateApiToken, hashApiToken, isApiTokenFormat } from './api-token-format';
import { NotFoundError, ValidationError } from './errors';

export interface TokenRecord {
  id: string;
  userId: string;
  name: string;
  /** first characters of the token, for recognising it in lists */
  prefix: string;
  scope: 'read' | 'write';
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

export interface CreateTokenInput {
  name: string;
  scope: 'read' | 'write';
  expiresAt?: number | null;
}

export type TokenChange = { tokenId: string; userId: string; kind: 'created' | 'revoked' };

const LAST_USED_RESOLUTION_MS = 60_000;

/** Personal API tokens: stored as SHA-256 only; the plaintext exists once, in create()'s result. */
export class TokenService {
  private readonly listeners = new Set<(c: TokenChange) => void>();
  private readonly now: () => number;

  constructor(
    private readonly db: Database,
    opts: { now?: () => number } = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  onChange(listener: (c: TokenChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async create(userId: string, input: CreateTokenInput): Promise<{ token: string; record: TokenRecord }> {
    const name = input.name.trim();
    if (name.length < 1 || name.length > 100) throw new ValidationError('name', 'must be 1-100 characters');
    if (input.scope !== 'read' && input.scope !== 'write')
      throw new ValidationError('scope', "must be 'read' or 'write'");
    const now = this.now();
    if (input.expiresAt != null && input.expiresAt <= now)
      throw new ValidationError('expiresAt', 'must be in the future');
    const token = generateApiToken();
    const row: ApiTokensTable = {
      id: randomUUID(),
      user_id: userId,
      name,
      token_hash: hashApiToken(token),
      prefix: displayPrefix(token),
      scope: input.scope,
      created_at: now,
      expires_at: input.expiresAt ?? null,
      last_used_at: null,
      revoked_at: null,
    };
    await this.db.kysely.insertInto('api_tokens').values(row).execute();
    this.emit({ tokenId: row.id, userId, kind: 'created' });
    return { token, record: toRecord(row) };
  }

  /** A user's tokens, or everyone's when userId is omitted (admin view). */
  async list(userId?: string): Promise<TokenRecord[]> {
    let q = this.db.kysely.selectFrom('api_tokens').selectAll().orderBy('created_at', 'desc');
    if (userId !== undefined) q = q.where('user_id', '=', userId);
    return (await q.execute()).map(toRecord);
  }

  async get(id: string): Promise<TokenRecord | null> {
    const row = await this.db.kysely
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  /** Revokes a token; `ownerId` restricts to that user's tokens (404, not 403, to avoid probing). */
  async revoke(id: string, ownerId?: string): Promise<TokenRecord> {
    const existing = await this.get(id);
    if (!existing || (ownerId !== undefined && existing.userId !== ownerId))
      throw new NotFoundError(`token ${id}`);
    if (existing.revokedAt === null) {
      await this.db.kysely
        .updateTable('api_tokens')
        .set({ revoked_at: this.now() })
        .where('id', '=', id)
        .execute();
    }
    this.emit({ tokenId: id, userId: existing.userId, kind: 'revoked' });
    return (await this.get(id))!;
  }

  /** The live token matching a presented plaintext, or null when unknown, revoked or expired. */
  async findActive(plaintext: string): Promise<TokenRecord | null> {
    if (!isApiTokenFormat(plaintext)) return null;
    const row = await this.db.kysely
      .selectFrom('api_tokens')
      .selectAll()
      .where('token_hash', '=', hashApiToken(plaintext))
      .executeTakeFirst();
    if (!row) return null;
    const record = toRecord(row);
    if (!isLive(record, this.now())) return null;
    if (record.lastUsedAt === null || this.now() - record.lastUsedAt > LAST_USED_RESOLUTION_MS) {
      // Bookkeeping only: a failed write must not fail the request that uses the token.
      await this.db.kysely
        .updateTable('api_tokens')
        .set({ last_used_at: this.now() })
        .where('id', '=', record.id)
        .execute()
        .catch(() => undefined);
    }
    return record;
  }

  async isActive(id: string): Promise<boolean> {
    const record = await this.get(id);
    return record !== null && isLive(record, this.now());
  }

  private emit(change: TokenChange): void {
    for (const l of this.listeners) l(change);
  }
}

export function isLive(t: TokenRecord, now: number): boolean {
  return t.revokedAt === null && (t.expiresAt === null || t.expiresAt > now);
}

function toRecord(row: ApiTokensTable): TokenRecord {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    prefix: row.prefix,
    scope: row.scope === 'write' ? 'write' : 'read',
    createdAt: Number(row.created_at),
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    lastUsedAt: row.last_used_at === null ? null : Number(row.last_used_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}
