import type { Logger } from 'pino';
import type { Database } from '@/lib/db';
import type { AuditLogTable } from '@/lib/db/schema';
import type { Principal } from '@/lib/auth/types';
import { currentRequestId } from '@/lib/http/request-scope';
import { metrics } from '@/lib/metrics/hooks';
import { auditResults, type AuditResult } from '@/lib/protocol/audit';

export { auditResults, type AuditResult } from '@/lib/protocol/audit';
export type AuditOutcome = Exclude<AuditResult, 'pending'>;

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
  /** when a pending intent got its outcome */
  completedAt: number | null;
  requestId: string | null;
}

/** The audit store could not record an intent, so the mutation is refused (fail closed). */
export class AuditUnavailableError extends Error {
  override name = 'AuditUnavailableError';
  readonly httpStatus = 503;
  readonly code = 'audit_unavailable';
  readonly retryAfterSeconds = 5;
  constructor(cause?: unknown) {
    super('The audit log cannot be written, so the change was not made; try again shortly', { cause });
  }
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

/**
 * Field names that hold secrets anywhere in this app's requests (passwords, API tokens,
 * kubeconfigs and their credential fields, OIDC secrets, headers). An explicit list, not a
 * pattern: a suffix rule also hid every taint `key`, which auditors need to see.
 */
export const SECRET_FIELDS: ReadonlySet<string> = new Set(
  [
    'password',
    'currentPassword',
    'newPassword',
    'token',
    'accessToken',
    'refreshToken',
    'idToken',
    'secret',
    'clientSecret',
    'kubeconfig',
    'client-key-data',
    'client-certificate-data',
    'client-key',
    'authorization',
    'cookie',
    'encryptionKey',
    'privateKey',
  ].map((k) => k.toLowerCase()),
);

/** Callers should not pass secrets, but if they do, they never reach the table. */
export function redactParameters(value: unknown, depth = 0): unknown {
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => redactParameters(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_FIELDS.has(k.toLowerCase()) ? '[redacted]' : redactParameters(v, depth + 1);
  }
  return out;
}

function clip(v: string | null | undefined, max = MAX_FIELD): string | null {
  if (v === null || v === undefined) return null;
  return v.length > max ? `${v.slice(0, max)}…` : v;
}

interface Outcome {
  id: number;
  result: AuditOutcome;
  error: string | null;
  at: number;
}

const RETRY_MS = 2000;

/**
 * The audit trail. Mutations are audited intent-then-outcome: begin() records the intent
 * (result 'pending') before anything is changed and refuses the mutation when it cannot
 * (AuditUnavailableError, 503); complete() records the outcome on that row, and when the
 * database is down at that moment it keeps retrying until it is back. So every change that
 * was made is in the log, and a row left 'pending' marks one whose outcome was never learnt.
 * Rows are otherwise never changed; the only deletion is retention (prune()).
 * record() is for events that are not mutations (sign-ins): it never throws.
 */
export class AuditLog {
  private readonly now: () => number;
  private readonly logger?: Logger;
  private readonly unsaved: Outcome[] = [];
  private readonly writing = new Set<Promise<void>>();
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private readonly db: Database,
    opts: { now?: () => number; logger?: Logger } = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.logger = opts.logger;
  }

  async record(entry: AuditEntryInput): Promise<void> {
    // every sign-in outcome, password or OIDC, is audited as auth.login: count them here, once
    if (entry.action === 'auth.login' && entry.result !== 'pending')
      metrics().login(
        entry.parameters?.method === 'oidc' ? 'oidc' : 'password',
        entry.result === 'success' ? 'success' : 'failure',
      );
    try {
      await this.insert(entry);
    } catch (err) {
      this.logger?.error({ err, action: entry.action }, 'audit write failed');
    }
  }

  /** Records the intent of a mutation; throws AuditUnavailableError when it cannot. */
  async begin(entry: Omit<AuditEntryInput, 'result' | 'error'>): Promise<number> {
    try {
      return await this.insert({ ...entry, result: 'pending' });
    } catch (err) {
      this.logger?.error({ err, action: entry.action }, 'audit intent not recorded; refusing the change');
      throw new AuditUnavailableError(err);
    }
  }

  /**
   * Records a mutation's outcome on its intent row (`error`: the error, or an operation's summary).
   * Never throws; retries while the database is down.
   */
  async complete(id: number, result: AuditOutcome, error?: string | null): Promise<void> {
    const write = this.completeNow(id, result, error);
    this.writing.add(write);
    try {
      await write;
    } finally {
      this.writing.delete(write);
    }
  }

  private async completeNow(id: number, result: AuditOutcome, error?: string | null): Promise<void> {
    const outcome: Outcome = { id, result, error: clip(error), at: this.now() };
    try {
      await this.writeOutcome(outcome);
    } catch (err) {
      this.logger?.warn({ err, auditId: id }, 'audit outcome not recorded yet; will retry');
      this.unsaved.push(outcome);
      this.scheduleRetry();
    }
  }

  /** Outcomes still waiting for the database. */
  get pendingOutcomes(): number {
    return this.unsaved.length;
  }

  /** Writes waiting outcomes now (shutdown, tests); resolves true when none is left. */
  async flushOutcomes(): Promise<boolean> {
    // outcomes being written now (an operation that just ended) first
    await Promise.allSettled([...this.writing]);
    while (this.unsaved.length > 0) {
      try {
        await this.writeOutcome(this.unsaved[0]!);
        this.unsaved.shift();
      } catch {
        return false;
      }
    }
    return true;
  }

  /** Retention: deletes entries older than `days`; returns how many. */
  async prune(days: number): Promise<number> {
    const res = await this.db.kysely
      .deleteFrom('audit_log')
      .where('at', '<', this.now() - days * 86_400_000)
      .executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  close(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.flushOutcomes().then((done) => {
        if (!done) this.scheduleRetry();
        else this.logger?.info('audit outcomes recorded after the database came back');
      });
    }, RETRY_MS);
    this.retryTimer.unref();
  }

  private async writeOutcome(o: Outcome): Promise<void> {
    await this.db.kysely
      .updateTable('audit_log')
      .set({ result: o.result, error: o.error, completed_at: o.at })
      .where('id', '=', o.id)
      .where('result', '=', 'pending')
      .execute();
  }

  private async insert(entry: AuditEntryInput): Promise<number> {
    let parameters: string | null = null;
    if (entry.parameters) {
      const json = JSON.stringify(redactParameters(entry.parameters));
      parameters = json.length > MAX_PARAMS_JSON ? JSON.stringify({ truncated: true }) : json;
    }
    const row = await this.db.kysely
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
        completed_at: null,
        request_id: clip(entry.requestId ?? currentRequestId(), 128),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return Number(row.id);
  }

  /**
   * The newest finished row of one of `actions` on a node (any user): what the node detail reads to say
   * who cordoned a node whose annotations are gone. Rows still pending never changed anything known.
   */
  async latestNodeAction(
    cluster: string,
    node: string,
    actions: readonly string[],
  ): Promise<AuditEntry | null> {
    const row = await this.db.kysely
      .selectFrom('audit_log')
      .selectAll()
      .where('cluster', '=', cluster)
      .where('target', '=', node)
      .where('action', 'in', [...actions])
      .where('result', 'in', ['success', 'partial'])
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? toEntry(row) : null;
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
    result: (auditResults as readonly string[]).includes(row.result)
      ? (row.result as AuditResult)
      : 'success',
    error: row.error,
    ip: row.ip,
    userAgent: row.user_agent,
    completedAt: row.completed_at === null ? null : Number(row.completed_at),
    requestId: row.request_id ?? null,
  };
}
