import { randomBytes } from 'node:crypto';
import type { Database } from '@/lib/db';
import type { SessionsTable } from '@/lib/db/schema';

export interface SessionRecord {
  /** the jti the session cookie carries as `sid` */
  id: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  revokedReason: string | null;
  /** the identity provider's groups at sign-in (impersonated as Impersonate-Group); [] for password sign-ins */
  groups: string[];
}

export type RevocationReason =
  | 'sign-out'
  | 'sign-out-everywhere'
  | 'password'
  | 'disabled'
  | 'deleted'
  /** the identity provider refused to refresh the session's tokens (user removed or session ended there) */
  | 'provider';

export type SessionChange = { userId: string; sessionId?: string; reason: RevocationReason };

/**
 * Server-side sessions: a signed cookie is only half of a session; the other half is a live row
 * here, so sign-out, a password change or disabling an account ends it on every replica.
 */
export class SessionService {
  private readonly listeners = new Set<(c: SessionChange) => void>();
  private readonly now: () => number;

  constructor(
    private readonly db: Database,
    opts: { now?: () => number } = {},
  ) {
    this.now = opts.now ?? Date.now;
  }

  onChange(listener: (c: SessionChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async create(
    userId: string,
    opts: { ttlMs: number; ip?: string | null; userAgent?: string | null; groups?: string[] },
  ): Promise<SessionRecord> {
    const now = this.now();
    const row: SessionsTable = {
      id: randomBytes(24).toString('base64url'),
      user_id: userId,
      created_at: now,
      expires_at: now + opts.ttlMs,
      revoked_at: null,
      revoked_reason: null,
      ip: opts.ip?.slice(0, 100) ?? null,
      user_agent: opts.userAgent?.slice(0, 500) ?? null,
      groups: opts.groups ? JSON.stringify(opts.groups) : null,
      oidc_tokens_enc: null,
    };
    await this.db.kysely.insertInto('sessions').values(row).execute();
    return toRecord(row);
  }

  async get(id: string): Promise<SessionRecord | null> {
    const row = await this.db.kysely
      .selectFrom('sessions')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  /** The sealed OIDC tokens of a session (sealing is the caller's: lib/identity/oidc-tokens.ts). */
  async oidcTokens(id: string): Promise<string | null> {
    const row = await this.db.kysely
      .selectFrom('sessions')
      .select('oidc_tokens_enc')
      .where('id', '=', id)
      .executeTakeFirst();
    return row?.oidc_tokens_enc ?? null;
  }

  async setOidcTokens(id: string, sealed: string): Promise<void> {
    await this.db.kysely
      .updateTable('sessions')
      .set({ oidc_tokens_enc: sealed })
      .where('id', '=', id)
      .execute();
  }

  /** Ends one session (sign-out). Idempotent. */
  async revoke(id: string, reason: RevocationReason): Promise<void> {
    const s = await this.get(id);
    if (!s) return;
    await this.db.kysely
      .updateTable('sessions')
      .set({ revoked_at: this.now(), revoked_reason: reason })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .execute();
    this.emit({ userId: s.userId, sessionId: id, reason });
  }

  /** Ends every session of a user, except `keep` (the one that changed its own password). */
  async revokeAll(userId: string, reason: RevocationReason, keep?: string): Promise<number> {
    let q = this.db.kysely
      .updateTable('sessions')
      .set({ revoked_at: this.now(), revoked_reason: reason })
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null);
    if (keep) q = q.where('id', '!=', keep);
    const res = await q.executeTakeFirst();
    this.emit({ userId, reason });
    return Number(res.numUpdatedRows);
  }

  /** Rows past expiry (plus a day, so a sign-out of an expiring session still finds its row). */
  async prune(): Promise<number> {
    const res = await this.db.kysely
      .deleteFrom('sessions')
      .where('expires_at', '<', this.now() - 86_400_000)
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  private emit(change: SessionChange): void {
    for (const l of this.listeners) l(change);
  }
}

export function isLiveSession(s: SessionRecord, now: number): boolean {
  return s.revokedAt === null && s.expiresAt > now;
}

function toRecord(row: SessionsTable): SessionRecord {
  return {
    id: row.id,
    userId: row.user_id,
    createdAt: Number(row.created_at),
    expiresAt: Number(row.expires_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
    revokedReason: row.revoked_reason,
    groups: parseGroups(row.groups),
  };
}

function parseGroups(v: string | null): string[] {
  if (!v) return [];
  try {
    const parsed: unknown = JSON.parse(v);
    return Array.isArray(parsed) ? parsed.filter((g): g is string => typeof g === 'string') : [];
  } catch {
    return [];
  }
}
