import type { Generated } from 'kysely';

/** Row types. Timestamps are epoch ms (bigint columns, parsed to number on both engines); booleans are 0/1. */
export interface UsersTable {
  id: string;
  username: string;
  password_hash: string | null;
  role: string;
  source: string;
  disabled: number;
  created_at: number;
  updated_at: number;
  password_changed_at: number | null;
}

export interface UserClustersTable {
  user_id: string;
  cluster: string;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  scope: string;
  created_at: number;
  expires_at: number | null;
  last_used_at: number | null;
  revoked_at: number | null;
}

export interface ClustersTable {
  name: string;
  display_name: string;
  kind: string;
  context: string | null;
  server: string | null;
  kubeconfig_enc: string | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  /** 'shared' | 'impersonate' | 'oidc-token' (lib/protocol/identity.ts); rows from before 0007 are 'shared' */
  identity_mode: string;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: number;
  user_id: string | null;
  username: string | null;
  cluster: string | null;
  target: string | null;
  action: string;
  parameters: string | null;
  result: string;
  error: string | null;
  ip: string | null;
  user_agent: string | null;
  /** set when a 'pending' intent got its outcome (intent-then-outcome auditing) */
  completed_at: number | null;
  /** X-Request-Id of the request that caused the entry (null for entries from before migration 0005) */
  request_id: string | null;
}

export interface MetaTable {
  key: string;
  value: string;
}

export interface TemplatesTable {
  id: string;
  name: string;
  /** 'labels' | 'taints' */
  kind: string;
  /** JSON of a label or taint edit */
  spec: string;
  description: string | null;
  created_by: string | null;
  /** user id of the owner: only they or an admin may change or delete it */
  owner_id: string | null;
  created_at: number;
  updated_at: number;
}

export interface OperationsTable {
  id: string;
  cluster: string;
  kind: string;
  username: string;
  /** JSON of the Operation (totals and per-node results) as last saved */
  snapshot: string;
  state: string;
  /** the replica running it */
  instance_id: string;
  /** 1 when another replica asked for cancel; the runner's replica acts on it */
  cancel_requested: number;
  /** 1 for the first run, +1 per retry; writes of an older attempt are refused (fencing) */
  attempt: Generated<number>;
  /** database-clock epoch ms until which instance_id owns the running operation; null when not running */
  lease_expires_at: number | null;
  created_at: number;
  updated_at: number;
}

/** Server-side sessions: the session cookie carries `sid`, and only a live row here makes it valid. */
export interface SessionsTable {
  id: string;
  user_id: string;
  created_at: number;
  expires_at: number;
  revoked_at: number | null;
  revoked_reason: string | null;
  ip: string | null;
  user_agent: string | null;
  /** JSON array of the identity provider's groups at sign-in (OIDC); null for password sign-ins */
  groups: string | null;
  /** AES-256-GCM sealed JSON {idToken, refreshToken?, expiresAt} of an OIDC sign-in (oidc-token mode) */
  oidc_tokens_enc: string | null;
}

/** rate-limiter-flexible's store (RateLimiterPostgres / RateLimiterSQLite), shared by every replica. */
export interface RateLimitsTable {
  key: string;
  points: number;
  expire: number | null;
}

/** Refused (already rate-limited) sign-ins, counted per key and window; one audit row per window. */
export interface LoginRefusalsTable {
  key: string;
  window_start: number;
  scope: string;
  username: string | null;
  ip: string | null;
  count: number;
}

export interface DB {
  users: UsersTable;
  user_clusters: UserClustersTable;
  api_tokens: ApiTokensTable;
  clusters: ClustersTable;
  audit_log: AuditLogTable;
  meta: MetaTable;
  templates: TemplatesTable;
  operations: OperationsTable;
  sessions: SessionsTable;
  rate_limits: RateLimitsTable;
  login_refusals: LoginRefusalsTable;
}
