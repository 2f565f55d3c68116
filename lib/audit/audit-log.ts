import type { Logger } from 'pino';
import type { Database } from '@/lib/db';
import type { AuditLogTable } from '@/lib/db/schema';
import type { Principal } from '@/lib/auth/types';
import { currentRequestId } from '@/lib/http/request-scope';
import { metrics } from '@/lib/metrics/hooks';

export type AuditResult = 'success' | 'failure';

export interface AuditEntryInput {
  /** who acted; null/undefined for anonymous events such as a failed login for an unknown user */
  user?: { id: string | null; username: string } | null;
  cluster?: string | null;
  /** what was acted on: node name, username, token id, cluster name */
  target?: string | null;
  /** dotted verb, e.g. `node.cordon`, `cluster.create`, `auth.login` */
  action: string;
  parameters?: Record<string, unknown> | null;
  result: AuditResult;
  error?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  /** defaults to the id of the request being served */
  requestId?: string | null;
}

export interface AuditEntry {
  id: number;
  at: number;
  userId: string | null;
  username: string | null;
  cluster: string | null;
  target: string | null;
  action: string;
  parameters: Record<string, unknown> | null;
  result: AuditResult;
  error: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export interface AuditFilter {
  user?: string;
  cluster?: string;
  action?: string;
  result?: AuditResult;
  requestId?: string;
  /** epoch ms, inclusive */
  since?: number;
  /** epoch ms, exclusive */
  until?: number;
}

export interface AuditPage {
  limit?: number;
  /** id of the last entry of the previous page (entries are newest first) */
  before?: number;
}

export interface AuditQueryResult {
  items: AuditEntry[];
  /** pass as `before` to get the next page; null on the last page */
  nextCursor: number | null;
}

export const AUDIT_MAX_PAGE = 200;
const MAX_FIELD = 2000;
const MAX_PARAMS_JSON = 8000;

const SECRET_KEY_RE = /pass(word)?|secret|token|kubeconfig|credential|authorization|cookie|key$/i;

/** Callers should not pass secrets, but if they do, they never reach the table. */
export function redactParameters(value: unknown, depth = 0): unknown {
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => redactParameters(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEY_RE.test(k) ? '[redacted]' : redactParameters(v, depth + 1);
  }
  return out;
}

function clip(v: string | null | undefined, max = MAX_FIELD): string | null {
  if (v === null || v === undefined) return null;
  return v.length > max ? `${v.slice(0, max)}…` : v;
}

/**
 * Append-only audit trail: there is deliberately no update or delete API.
 * record() never throws: a broken audit write is logged loudly but must not turn a
 * completed node operation into a failed request.
 */
export class AuditLog {
  private readonly now: () => number;
  private readonly logger?: Logger;

  constructor(
    private readonly db: Database,
    opts: { now?: () => number; logger?: Logger } = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.logger = opts.logger;
  }

  async record(entry: AuditEntryInput): Promise<void> {
    // every sign-in outcome, password or OIDC, is audited as auth.login: count them here, once
    if (entry.action === 'auth.login')
      metrics().login(entry.parameters?.method === 'oidc' ? 'oidc' : 'password', entry.result);
    let parameters: string | null = null;
    if (entry.parameters) {
      const json = JSON.stringify(redactParameters(entry.parameters));
      parameters = json.length > MAX_PARAMS_JSON ? JSON.stringify({ truncated: true }) : json;
    }
    try {
      await this.db.kysely
        .insertInto('audit_log')
        .values({
          at: this.now(),
          user_id: entry.user?.id ?? null,
          username: clip(entry.user?.username, 200),
          cluster: clip(entry.cluster, 253),
          target: clip(entry.target, 253),
          action: clip(entry.action, 100) ?? 'unknown',
          parameters,
          result: entry.result,
          error: clip(entry.error),
          ip: clip(entry.ip, 100),
          user_agent: clip(entry.userAgent, 500),
          request_id: clip(entry.requestId ?? currentRequestId(), 128),
        })
        .execute();
    } catch (err) {
      this.logger?.error({ err, action: entry.action }, 'audit write failed');
    }
  }

  /** Admins see everything; everyone else only their own entries, whatever filter they pass. */
  async query(
    filter: AuditFilter,
    page: AuditPage,
    viewer: Pick<Principal, 'userId' | 'role'>,
  ): Promise<AuditQueryResult> {
    const limit = Math.min(Math.max(1, page.limit ?? 50), AUDIT_MAX_PAGE);
    let q = this.db.kysely.selectFrom('audit_log').selectAll();
    if (viewer.role !== 'admin') q = q.where('user_id', '=', viewer.userId);
    if (filter.user)
      q = q.where((eb) => eb.or([eb('username', '=', filter.user!), eb('user_id', '=', filter.user!)]));
    if (filter.cluster) q = q.where('cluster', '=', filter.cluster);
    if (filter.action) {
      // `node.*` style prefix filters are handy in the UI.
      q = filter.action.endsWith('*')
        ? q.where('action', 'like', `${filter.action.slice(0, -1).replace(/[%_\\]/g, '')}%`)
        : q.where('action', '=', filter.action);
    }
    if (filter.result) q = q.where('result', '=', filter.result);
    if (filter.requestId) q = q.where('request_id', '=', filter.requestId);
    if (filter.since !== undefined) q = q.where('at', '>=', filter.since);
    if (filter.until !== undefined) q = q.where('at', '<', filter.until);
    if (page.before !== undefined) q = q.where('id', '<', page.before);
    const rows = await q
      .orderBy('id', 'desc')
      .limit(limit + 1)
      .execute();
    const items = rows.slice(0, limit).map(toEntry);
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? last.id : null };
  }
}

function toEntry(row: Omit<AuditLogTable, 'id'> & { id: number }): AuditEntry {
  let parameters: Record<string, unknown> | null = null;
  if (row.parameters) {
    try {
      parameters = JSON.parse(row.parameters) as Record<string, unknown>;
    } catch {
      parameters = null;
    }
  }
  return {
    id: Number(row.id),
    at: Number(row.at),
    userId: row.user_id,
    username: row.username,
    cluster: row.cluster,
    target: row.target,
    action: row.action,
    parameters,
    result: row.result === 'failure' ? 'failure' : 'success',
    error: row.error,
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id ?? null,
  };
}
