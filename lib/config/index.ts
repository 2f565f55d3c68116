import { BlockList } from 'node:net';
import { z } from 'zod';
import { addCidr, parseTrustedProxies, type TrustedProxies } from '@/lib/http/request-meta';
import type { Role } from '@/lib/protocol/names';
import { ConfigError } from './errors';
import { loadOrCreateSecret } from './secrets';
import { checkTlsFiles } from './tls-files';

/** Link-local (where every cloud's metadata service lives) and the metadata addresses outside it. */
export const DEFAULT_CLUSTER_HOST_DENYLIST = [
  '169.254.0.0/16',
  'fe80::/10',
  'fd00:ec2::254/128',
  '100.100.100.200/32',
  '168.63.129.16/32',
];

/** Addresses a registered cluster's API server may not resolve to. */
export interface HostDenylist {
  list: BlockList;
  entries: string[];
}

export function buildDenylist(entries: string[]): HostDenylist {
  const list = new BlockList();
  for (const e of entries) addCidr(list, e);
  return { list, entries };
}

const checked = <T>(parse: (v: string) => T) =>
  z.string().transform((v, ctx) => {
    try {
      return parse(v);
    } catch (err) {
      ctx.addIssue({ code: 'custom', message: (err as Error).message });
      return z.NEVER;
    }
  });

/** `admin=g1,operator=g2,viewer=g3` (any subset); the error names the bad entry. */
export function parseRoleGroups(v: string): Partial<Record<Role, string>> {
  const out: Partial<Record<Role, string>> = {};
  for (const entry of v
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const m = /^(admin|operator|viewer)=([^\s=,]+)$/.exec(entry);
    if (!m) throw new Error(`"${entry}": expected role=group with role admin, operator or viewer`);
    const role = m[1] as 'admin' | 'operator' | 'viewer';
    if (out[role]) throw new Error(`role ${role} is given twice`);
    out[role] = m[2]!;
  }
  return out;
}

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) =>
  z.coerce
    .number({ message: 'must be a number' })
    .int({ message: 'must be an integer' })
    .min(min, { message: `must be at least ${min}` })
    .max(max, { message: `must be at most ${max}` });
const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/** Every environment variable the app reads; README and .env.example document the same list. */
const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: int(0, 65535).default(3000),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// URL (leave unset for embedded SQLite)' })
    .optional(),
  NEXTAUTH_URL: z.url({ message: 'must be an absolute URL such as http://localhost:3000' }).optional(),
  NEXTAUTH_SECRET: z.string().min(32, { message: 'must be at least 32 characters' }).optional(),
  ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32, { message: 'must be 32 bytes, base64-encoded' })
    .optional(),
  PUBLIC_ORIGINS: csv.optional(),
  ADMIN_USERNAME: z.string().min(1).max(64).optional(),
  ADMIN_PASSWORD: z.string().min(8, { message: 'must be at least 8 characters' }).optional(),
  DEMO_CLUSTER: bool.default(true),
  DEMO_NODES: int(1, 20000).default(300),
  DEMO_CHURN: bool.default(true),
  DEMO_HOST: z
    .string()
    .regex(/^[A-Za-z0-9.:-]{1,253}$/, { message: 'must be a host name or IP address' })
    .optional(),
  DEMO_PORT: int(0, 65535).default(0),
  CLUSTER_RECONCILE_SECONDS: int(1, 3600).default(10),
  OPERATION_LEASE_SECONDS: int(1, 300).default(15),
  OPERATION_GRACE_SECONDS: int(0, 600).default(10),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  WS_MAX_CONNECTIONS: int(1, 1_000_000).default(20_000),
  WS_MAX_CONNECTIONS_PER_USER: int(1, 100_000).default(200),
  WS_SLOW_CLIENT_BYTES: int(1024, 1 << 30).default(1 << 20),
  TRUSTED_PROXIES: checked(parseTrustedProxies).optional(),
  CLUSTER_HOST_DENYLIST: checked((v) =>
    buildDenylist(
      v.trim().toLowerCase() === 'none'
        ? []
        : v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
    ),
  ).optional(),
  AUDIT_RETENTION_DAYS: int(1, 36_500).default(365),
  SESSION_RECHECK_SECONDS: int(1, 30).default(20),
  LOGIN_AUDIT_WINDOW_SECONDS: int(1, 3600).default(60),
  WS_RESUME_HISTORY: int(1, 1_000_000).default(10_000),
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  OIDC_GROUPS_CLAIM: z.string().default('groups'),
  OIDC_ADMIN_GROUPS: csv.default([]),
  OIDC_OPERATOR_GROUPS: csv.default([]),
  /** space-separated; Dex-like providers release groups only for a `groups` scope */
  OIDC_SCOPES: z
    .string()
    .default('openid profile email')
    .refine((v) => v.split(/\s+/).includes('openid'), { message: 'must include openid' }),
  /** role=group,…: the group each app role adds to Impersonate-Group on clusters in impersonate mode */
  IMPERSONATE_ROLE_GROUPS: checked(parseRoleGroups).optional(),
  METRICS_ENABLED: bool.default(true),
  METRICS_TOKEN: z
    .string()
    .min(16, { message: 'must be at least 16 characters' })
    .regex(/^\S+$/, { message: 'must not contain whitespace' })
    .optional(),
  METRICS_PORT: int(1, 65535).optional(),
  HEALTH_SAMPLE_SECONDS: int(1, 60).default(5),
  // Deployment: TLS without an ingress, and the pod's own cluster (set by Kubernetes).
  TLS_CERT_FILE: z.string().optional(),
  TLS_KEY_FILE: z.string().optional(),
  KUBERNETES_SERVICE_HOST: z.string().optional(),
  KUBERNETES_SERVICE_PORT: int(1, 65535).default(443),
  SERVICE_ACCOUNT_DIR: z.string().min(1).default('/var/run/secrets/kubernetes.io/serviceaccount'),
});

export interface AppConfig {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  dataDir: string;
  databaseUrl?: string;
  nextAuthUrl: string;
  nextAuthSecret: string;
  encryptionKey: Buffer;
  publicOrigins: string[];
  adminUsername?: string;
  adminPassword?: string;
  demoCluster: boolean;
  demoNodes: number;
  demoChurn: boolean;
  /**
   * Under PostgreSQL one replica (the advisory-lock holder) runs the demo simulator for all: the
   * address it listens on and the others connect to (default: this pod's IPv4), and its port (0: any).
   */
  demoHost?: string;
  demoPort: number;
  /** safety net beside the control bus: how often registered clusters are re-read */
  clusterReconcileMs: number;
  operations: {
    /** a running operation's lease; a dead replica's operations are interrupted within 4/3 of it */
    leaseMs: number;
    /** SIGTERM: how long nodes in flight may finish before the rest is handed over as interrupted */
    graceMs: number;
  };
  logLevel: string;
  ws: {
    maxConnections: number;
    maxConnectionsPerUser: number;
    slowClientBytes: number;
    /** changes kept per cluster for resume; a client further behind gets `resync` */
    resumeHistory: number;
  };
  /** who may set X-Forwarded-For (TRUSTED_PROXIES) */
  trustedProxies: TrustedProxies;
  /** addresses a cluster's API server may not resolve to (CLUSTER_HOST_DENYLIST) */
  clusterHostDenylist: HostDenylist;
  auditRetentionDays: number;
  /** how long a cached session/user/token lookup is trusted; other replicas' revocations bite within 2× */
  sessionRecheckSeconds: number;
  /** refused sign-ins are counted per window and audited as one row per window */
  loginAuditWindowSeconds: number;
  metrics: {
    enabled: boolean;
    /** bearer token for GET /api/metrics on the main port; unset: not served there */
    token?: string;
    /** separate unauthenticated listener for /api/metrics */
    port?: number;
    /** health page sample interval */
    sampleSeconds: number;
  };
  oidc?: {
    issuer: string;
    clientId: string;
    clientSecret: string;
    groupsClaim: string;
    adminGroups: string[];
    operatorGroups: string[];
    /** asked at sign-in (OIDC_SCOPES) */
    scopes: string;
  };
  /** IMPERSONATE_ROLE_GROUPS: impersonated group per app role */
  impersonateRoleGroups: Partial<Record<Role, string>>;
  /** HTTPS and WSS from these PEM files, reloaded when they change */
  tls?: { certFile: string; keyFile: string };
  /** running in a pod: the cluster it runs in is reached through its ServiceAccount */
  inCluster?: { host: string; port: number; serviceAccountDir: string };
}

export { ConfigError };

type Env = Record<string, string | undefined>;
export type ParsedEnv = z.infer<typeof envSchema>;

/** Validates the environment; the error names each bad variable and why. Empty strings count as unset. */
export function parseEnv(env: Env): ParsedEnv {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const result = envSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = result.data;
  const oidcVars = [e.OIDC_ISSUER, e.OIDC_CLIENT_ID, e.OIDC_CLIENT_SECRET];
  if (oidcVars.some(Boolean) && !oidcVars.every(Boolean)) {
    throw new ConfigError(
      'Invalid configuration:\n  OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET: set all three to enable OIDC, or none',
    );
  }
  if (e.METRICS_PORT !== undefined && e.METRICS_PORT === e.PORT) {
    throw new ConfigError('Invalid configuration:\n  METRICS_PORT: must differ from PORT');
  }
  if (Boolean(e.TLS_CERT_FILE) !== Boolean(e.TLS_KEY_FILE)) {
    throw new ConfigError(
      'Invalid configuration:\n  TLS_CERT_FILE, TLS_KEY_FILE: set both to serve HTTPS, or neither',
    );
  }
  return e;
}

/** Pure: builds the config from validated env and already-resolved secrets. */
export function buildConfig(
  e: ParsedEnv,
  secrets: { nextAuthSecret: string; encryptionKey: Buffer },
): AppConfig {
  const scheme = e.TLS_CERT_FILE ? 'https' : 'http';
  const nextAuthUrl = e.NEXTAUTH_URL ?? `${scheme}://localhost:${e.PORT}`;
  const defaultOrigins = [
    new URL(nextAuthUrl).origin,
    `${scheme}://localhost:${e.PORT}`,
    `${scheme}://127.0.0.1:${e.PORT}`,
  ];
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    nextAuthUrl,
    nextAuthSecret: secrets.nextAuthSecret,
    encryptionKey: secrets.encryptionKey,
    publicOrigins: [...new Set(e.PUBLIC_ORIGINS ?? defaultOrigins)],
    adminUsername: e.ADMIN_USERNAME,
    adminPassword: e.ADMIN_PASSWORD,
    demoCluster: e.DEMO_CLUSTER,
    demoNodes: e.DEMO_NODES,
    demoChurn: e.DEMO_CHURN,
    demoHost: e.DEMO_HOST,
    demoPort: e.DEMO_PORT,
    clusterReconcileMs: e.CLUSTER_RECONCILE_SECONDS * 1000,
    operations: { leaseMs: e.OPERATION_LEASE_SECONDS * 1000, graceMs: e.OPERATION_GRACE_SECONDS * 1000 },
    logLevel: e.LOG_LEVEL,
    ws: {
      maxConnections: e.WS_MAX_CONNECTIONS,
      maxConnectionsPerUser: e.WS_MAX_CONNECTIONS_PER_USER,
      slowClientBytes: e.WS_SLOW_CLIENT_BYTES,
      resumeHistory: e.WS_RESUME_HISTORY,
    },
    trustedProxies: e.TRUSTED_PROXIES ?? { kind: 'none' },
    clusterHostDenylist: e.CLUSTER_HOST_DENYLIST ?? buildDenylist(DEFAULT_CLUSTER_HOST_DENYLIST),
    auditRetentionDays: e.AUDIT_RETENTION_DAYS,
    sessionRecheckSeconds: e.SESSION_RECHECK_SECONDS,
    loginAuditWindowSeconds: e.LOGIN_AUDIT_WINDOW_SECONDS,
    metrics: {
      enabled: e.METRICS_ENABLED,
      token: e.METRICS_TOKEN,
      port: e.METRICS_PORT,
      sampleSeconds: e.HEALTH_SAMPLE_SECONDS,
    },
    oidc:
      e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET
        ? {
            issuer: e.OIDC_ISSUER,
            clientId: e.OIDC_CLIENT_ID,
            clientSecret: e.OIDC_CLIENT_SECRET,
            groupsClaim: e.OIDC_GROUPS_CLAIM,
            adminGroups: e.OIDC_ADMIN_GROUPS,
            operatorGroups: e.OIDC_OPERATOR_GROUPS,
            scopes: e.OIDC_SCOPES.trim().split(/\s+/).join(' '),
          }
        : undefined,
    impersonateRoleGroups: e.IMPERSONATE_ROLE_GROUPS ?? {},
    tls:
      e.TLS_CERT_FILE && e.TLS_KEY_FILE ? { certFile: e.TLS_CERT_FILE, keyFile: e.TLS_KEY_FILE } : undefined,
    inCluster: e.KUBERNETES_SERVICE_HOST
      ? {
          host: e.KUBERNETES_SERVICE_HOST,
          port: e.KUBERNETES_SERVICE_PORT,
          serviceAccountDir: e.SERVICE_ACCOUNT_DIR,
        }
      : undefined,
  };
}

/** Reads the environment, generating missing secrets into the data directory (mode 0600). */
export async function loadConfig(env: Env = process.env): Promise<AppConfig> {
  const e = parseEnv(env);
  if (e.TLS_CERT_FILE && e.TLS_KEY_FILE) await checkTlsFiles(e.TLS_CERT_FILE, e.TLS_KEY_FILE);
  const nextAuthSecret =
    e.NEXTAUTH_SECRET ?? (await loadOrCreateSecret(e.DATA_DIR, 'nextauth-secret', 48)).toString('base64url');
  const encryptionKey = e.ENCRYPTION_KEY
    ? Buffer.from(e.ENCRYPTION_KEY, 'base64')
    : await loadOrCreateSecret(e.DATA_DIR, 'encryption.key', 32);
  return buildConfig(e, { nextAuthSecret, encryptionKey });
}
