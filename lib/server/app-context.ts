import type { Logger } from 'pino';
import type { AuditLog } from '@/lib/audit/audit-log';
import type { ControlBus } from '@/lib/bus';
import type { Authenticator } from '@/lib/auth/authenticator';
import type { LoginService } from '@/lib/auth/login-service';
import type { PasswordChangeLimiter } from '@/lib/auth/rate-limiter';
import type { ClusterService } from '@/lib/clusters/cluster-service';
import type { AppConfig } from '@/lib/config';
import type { Database } from '@/lib/db';
import type { AppMetrics } from '@/lib/metrics';
import type { IdentityService } from '@/lib/identity/identity-service';
import type { OidcTokens } from '@/lib/identity/oidc-tokens';
import type { NodeMetricsSampler } from '@/lib/node-metrics/sampler';
import type { NodeService } from '@/lib/nodes/node-service';
import type { NodeSource } from '@/lib/nodes/node-source';
import type { OperationRunner } from '@/lib/operations/operation-runner';
import type { OperationStore } from '@/lib/operations/operation-store';
import type { PushHub } from '@/lib/push/hub';
import type { TemplateService } from '@/lib/templates/template-service';
import type { RealtimeManager } from '@/lib/realtime/manager';

/** Long-lived services created once by server.ts and shared with Next's separately bundled route handlers. */
export interface AppContext {
  /** random per process start; lets tests prove route handlers see the objects server.ts created */
  instanceId: string;
  config: AppConfig;
  logger: Logger;
  db: Database;
  auth: Authenticator;
  /** password sign-in with the shared rate limits (next-auth's credentials provider) */
  login: LoginService;
  /** wrong current passwords on POST /api/v1/me/password */
  passwordLimiter: PasswordChangeLimiter;
  audit: AuditLog;
  clusters: ClusterService;
  manager: RealtimeManager;
  hub: PushHub;
  nodes: NodeService;
  nodeSource: NodeSource;
  /** node CPU/memory usage from metrics.k8s.io, sampled per cluster while someone asks */
  nodeMetrics: NodeMetricsSampler;
  /** whose identity each cluster sees for a user's request, and the cluster's can-i answers */
  identity: IdentityService;
  /** single sign-on sessions' ID and refresh tokens (oidc-token mode) */
  oidcTokens: OidcTokens;
  operations: OperationRunner;
  /** operations as stored for every replica to read (and to pass on cancels) */
  operationStore: OperationStore;
  /** tells the other replicas what changed (in-process under SQLite) */
  bus: ControlBus;
  /** replicas on PostgreSQL: whether this one hosts the demo simulator for all */
  demoHost?: { status(): { hosting: boolean; url?: string } };
  templates: TemplateService;
  /** the metrics registry and the health page's history; null with METRICS_ENABLED=false */
  metrics: AppMetrics | null;
  /** set once shutdown begins; SSE streams and new work check it */
  shuttingDown: boolean;
  /** route handlers register per-stream closers here so shutdown can end SSE streams */
  sseClosers: Set<() => void>;
}

const KEY = Symbol.for('kube-node-manager.app-context');
type GlobalWithContext = typeof globalThis & { [KEY]?: AppContext };

export function setAppContext(ctx: AppContext): void {
  (globalThis as GlobalWithContext)[KEY] = ctx;
}

/** The one accessor route handlers use; throws when the app was not started through server.ts. */
export function getAppContext(): AppContext {
  const ctx = (globalThis as GlobalWithContext)[KEY];
  if (!ctx) throw new Error('App context missing: start the app with server.ts (npm start / npm run dev)');
  return ctx;
}

export function clearAppContext(): void {
  delete (globalThis as GlobalWithContext)[KEY];
}
