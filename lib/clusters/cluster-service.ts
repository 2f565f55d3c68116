import type { Logger } from 'pino';
import type { Database } from '@/lib/db';
import type { ClustersTable } from '@/lib/db/schema';
import { decryptSecret, encryptSecret } from '@/lib/crypto/secret-box';
import { identityModeSchema, type IdentityMode } from '@/lib/protocol/identity';
import { testConnection, type ConnectionTestResult } from './connection-test';
import { ClusterError } from './errors';
import { reduceKubeconfig } from './kubeconfig';
import { assertHostAllowed } from './server-url';
import {
  DEMO_CLUSTER_NAME,
  IN_CLUSTER_NAME,
  validateClusterName,
  type AddClusterInput,
  type ClusterChange,
  type ClusterKind,
  type ClusterRecord,
  type ClusterServiceOptions,
  type ConnectionTester,
  type RuntimeCluster,
  type TestedKubeconfig,
  type UpdateClusterInput,
} from './types';

export type {
  AddClusterInput,
  ClusterChange,
  ClusterKind,
  ClusterRecord,
  ClusterServiceOptions,
  ConnectionTester,
  RuntimeCluster,
  TestedKubeconfig,
  UpdateClusterInput,
} from './types';
export { DEMO_CLUSTER_NAME, IN_CLUSTER_NAME, validateClusterName } from './types';

/**
 * Registered clusters. Kubeconfigs are validated, reduced to one context, connection-tested,
 * then stored AES-256-GCM encrypted (bound to the cluster name). Decrypted material only
 * leaves through loadForRuntime()/runtimeFor(), for the realtime manager.
 */
export class ClusterService {
  private readonly listeners = new Set<(c: ClusterChange) => void | Promise<void>>();
  private readonly key: Buffer;
  private readonly logger?: Logger;
  private readonly now: () => number;
  private readonly tester: ConnectionTester;
  private readonly timeoutMs: number;
  private readonly denylist?: ClusterServiceOptions['denylist'];

  constructor(
    private readonly db: Database,
    opts: ClusterServiceOptions,
  ) {
    this.key = opts.key;
    this.logger = opts.logger;
    this.now = opts.now ?? Date.now;
    this.tester = opts.tester ?? testConnection;
    this.timeoutMs = opts.testTimeoutMs ?? 10_000;
    this.denylist = opts.denylist;
  }

  /** Denylist check, then the connection test; the precise cause of a failure goes to the log only. */
  private async probe(reduced: { yaml: string; server: string }): Promise<ConnectionTestResult> {
    try {
      if (this.denylist) await assertHostAllowed(new URL(reduced.server), this.denylist);
      return await this.tester(reduced.yaml, reduced.server, this.timeoutMs);
    } catch (err) {
      const detail = (err as { detail?: unknown }).detail;
      this.logger?.info(
        { server: reduced.server, code: (err as { code?: unknown }).code, detail },
        'cluster connection test failed',
      );
      throw err;
    }
  }

  /** Lets the realtime manager (re)register or drop clusters; returns an unsubscribe. */
  onChange(listener: (c: ClusterChange) => void | Promise<void>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Validates and connection-tests a kubeconfig without saving anything. */
  async test(input: { kubeconfig: string; context?: string }): Promise<TestedKubeconfig> {
    const reduced = reduceKubeconfig(input.kubeconfig, input.context);
    const result = await this.probe(reduced);
    return { context: reduced.context, server: reduced.server, authKind: reduced.authKind, result };
  }

  async add(
    input: AddClusterInput,
    actor?: { userId: string },
  ): Promise<{ cluster: ClusterRecord; test: ConnectionTestResult }> {
    validateClusterName(input.name);
    const displayName = this.validDisplayName(input.displayName ?? input.name);
    if (await this.get(input.name))
      throw new ClusterError(409, 'conflict', `cluster '${input.name}' already exists`);
    const reduced = reduceKubeconfig(input.kubeconfig, input.context);
    const test = await this.probe(reduced);
    const now = this.now();
    const row: ClustersTable = {
      name: input.name,
      display_name: displayName,
      kind: 'kubeconfig',
      context: reduced.context,
      server: reduced.server,
      kubeconfig_enc: encryptSecret(reduced.yaml, this.key, input.name),
      created_by: actor?.userId ?? null,
      created_at: now,
      updated_at: now,
      identity_mode: input.identityMode ?? 'shared',
    };
    try {
      await this.db.kysely.insertInto('clusters').values(row).execute();
    } catch (err) {
      if (await this.get(input.name))
        throw new ClusterError(409, 'conflict', `cluster '${input.name}' already exists`);
      throw err;
    }
    this.logger?.info(
      { cluster: input.name, server: reduced.server, context: reduced.context, auth: reduced.authKind },
      'cluster added',
    );
    this.emit({ type: 'added', name: input.name, kind: 'kubeconfig' });
    return { cluster: toRecord(row), test };
  }

  async update(
    name: string,
    input: UpdateClusterInput,
  ): Promise<{ cluster: ClusterRecord; test?: ConnectionTestResult }> {
    const existing = await this.require(name);
    const set: Partial<ClustersTable> = { updated_at: this.now() };
    if (input.displayName !== undefined) set.display_name = this.validDisplayName(input.displayName);
    const modeChange = input.identityMode !== undefined && input.identityMode !== existing.identityMode;
    if (modeChange) set.identity_mode = input.identityMode;
    let test: ConnectionTestResult | undefined;
    const credentialsChange = input.kubeconfig !== undefined || input.context !== undefined;
    if (credentialsChange) {
      if (existing.kind !== 'kubeconfig') {
        throw new ClusterError(
          400,
          'invalid_request',
          `kubeconfig: the ${existing.kind} cluster '${name}' has no stored kubeconfig`,
        );
      }
      // The stored config was reduced to one context, so switching context needs the full file again.
      if (input.kubeconfig === undefined)
        throw new ClusterError(400, 'invalid_request', 'kubeconfig: required when changing the context');
      const reduced = reduceKubeconfig(input.kubeconfig, input.context);
      test = await this.probe(reduced);
      set.kubeconfig_enc = encryptSecret(reduced.yaml, this.key, name);
      set.context = reduced.context;
      set.server = reduced.server;
    }
    await this.db.kysely.updateTable('clusters').set(set).where('name', '=', name).execute();
    const cluster = await this.require(name);
    this.logger?.info(
      { cluster: name, credentialsChanged: credentialsChange, identityMode: cluster.identityMode },
      'cluster updated',
    );
    // every replica re-reads the row; a mode-only change does not restart informers (runtime-clusters)
    if (credentialsChange || modeChange) this.emit({ type: 'updated', name, kind: cluster.kind });
    return { cluster, ...(test ? { test } : {}) };
  }

  async remove(name: string): Promise<ClusterRecord> {
    const existing = await this.require(name);
    // Grants go with the cluster: a new cluster registered under this name must not inherit them.
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx.deleteFrom('user_clusters').where('cluster', '=', name).execute();
      await trx.deleteFrom('clusters').where('name', '=', name).execute();
    });
    this.logger?.info({ cluster: name }, 'cluster removed');
    this.emit({ type: 'removed', name, kind: existing.kind });
    return existing;
  }

  async list(): Promise<ClusterRecord[]> {
    const rows = await this.db.kysely.selectFrom('clusters').selectAll().orderBy('name').execute();
    return rows.map(toRecord);
  }

  async get(name: string): Promise<ClusterRecord | null> {
    const row = await this.db.kysely
      .selectFrom('clusters')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? toRecord(row) : null;
  }

  async require(name: string): Promise<ClusterRecord> {
    const c = await this.get(name);
    if (!c) throw new ClusterError(404, 'not_found', `cluster '${name}' not found`);
    return c;
  }

  /** Decrypted, server-side only. A row that fails to decrypt (key changed) is skipped and logged. */
  async loadForRuntime(): Promise<RuntimeCluster[]> {
    const rows = await this.db.kysely.selectFrom('clusters').selectAll().orderBy('name').execute();
    const out: RuntimeCluster[] = [];
    for (const row of rows) {
      const rt = this.toRuntime(row);
      if (rt) out.push(rt);
    }
    return out;
  }

  async runtimeFor(name: string): Promise<RuntimeCluster | null> {
    const row = await this.db.kysely
      .selectFrom('clusters')
      .selectAll()
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? this.toRuntime(row) : null;
  }

  /** First start only: registers the built-in simulator unless disabled or clusters already exist. */
  async ensureDemoCluster(enabled = true): Promise<boolean> {
    if (!enabled) return false;
    return this.seedOnce('demo_cluster_seeded', DEMO_CLUSTER_NAME, 'demo', 'Demo (simulated)', true);
  }

  /**
   * Replicas on PostgreSQL: the replica hosting the demo simulator stores where it is (encrypted like
   * any kubeconfig) so every replica connects to that one simulator. False when there is no demo cluster.
   */
  async setDemoEndpoint(kubeconfig: string, server: string): Promise<boolean> {
    const res = await this.db.kysely
      .updateTable('clusters')
      .set({
        kubeconfig_enc: encryptSecret(kubeconfig, this.key, DEMO_CLUSTER_NAME),
        server,
        updated_at: this.now(),
      })
      .where('name', '=', DEMO_CLUSTER_NAME)
      .where('kind', '=', 'demo')
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) return false;
    this.logger?.info({ cluster: DEMO_CLUSTER_NAME, server }, 'demo cluster endpoint moved');
    this.emit({ type: 'updated', name: DEMO_CLUSTER_NAME, kind: 'demo' });
    return true;
  }

  /** Registers the cluster this pod runs in once, when KUBERNETES_SERVICE_HOST is set. */
  async ensureInClusterCluster(env: Record<string, string | undefined> = process.env): Promise<boolean> {
    if (!env.KUBERNETES_SERVICE_HOST) return false;
    return this.seedOnce(
      'in_cluster_seeded',
      IN_CLUSTER_NAME,
      'in-cluster',
      'This cluster (in-cluster)',
      false,
    );
  }

  private async seedOnce(
    flag: string,
    name: string,
    kind: ClusterKind,
    displayName: string,
    onlyIfEmpty: boolean,
  ): Promise<boolean> {
    const seeded = await this.db.kysely
      .selectFrom('meta')
      .select('value')
      .where('key', '=', flag)
      .executeTakeFirst();
    if (seeded) return false;
    const existing = await this.list();
    const shouldAdd = !(onlyIfEmpty && existing.length > 0) && !existing.some((c) => c.name === name);
    const now = this.now();
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx
        .insertInto('meta')
        .values({ key: flag, value: String(now) })
        .execute();
      if (shouldAdd) {
        await trx
          .insertInto('clusters')
          .values({
            name,
            display_name: displayName,
            kind,
            context: null,
            server: null,
            kubeconfig_enc: null,
            created_by: null,
            created_at: now,
            updated_at: now,
            identity_mode: 'shared',
          })
          .execute();
      }
    });
    if (shouldAdd) {
      this.logger?.info({ cluster: name, kind }, 'cluster registered automatically');
      this.emit({ type: 'added', name, kind });
    }
    return shouldAdd;
  }

  private toRuntime(row: ClustersTable): RuntimeCluster | null {
    const kind = row.kind as ClusterKind;
    // a demo row carries a kubeconfig only when a replica hosts the simulator for the others
    const identityMode = identityModeOf(row);
    if (kind === 'in-cluster' || (kind === 'demo' && !row.kubeconfig_enc))
      return { name: row.name, kind, identityMode };
    if (!row.kubeconfig_enc) return null;
    try {
      const kubeconfig = decryptSecret(row.kubeconfig_enc, this.key, row.name);
      return {
        name: row.name,
        kind,
        kubeconfig,
        identityMode,
        ...(row.context ? { context: row.context } : {}),
      };
    } catch {
      this.logger?.error(
        { cluster: row.name },
        'stored kubeconfig cannot be decrypted (was ENCRYPTION_KEY or the key file changed?); cluster skipped',
      );
      return null;
    }
  }

  private validDisplayName(v: string): string {
    const s = v.trim();
    if (s.length < 1 || s.length > 100)
      throw new ClusterError(400, 'invalid_request', 'displayName: must be 1-100 characters');
    return s;
  }

  private emit(change: ClusterChange): void {
    for (const l of this.listeners) {
      try {
        const r = l(change);
        if (r instanceof Promise)
          r.catch((err: unknown) =>
            this.logger?.error({ err, cluster: change.name }, 'cluster change listener failed'),
          );
      } catch (err) {
        this.logger?.error({ err, cluster: change.name }, 'cluster change listener failed');
      }
    }
  }
}

/** An unknown stored value (a newer replica's mode) falls back to the safest reading: shared is never assumed. */
function identityModeOf(row: ClustersTable): IdentityMode {
  const parsed = identityModeSchema.safeParse(row.identity_mode);
  return parsed.success ? parsed.data : 'impersonate';
}

function toRecord(row: ClustersTable): ClusterRecord {
  return {
    name: row.name,
    displayName: row.display_name,
    kind: row.kind as ClusterKind,
    context: row.context,
    server: row.server,
    identityMode: identityModeOf(row),
    createdBy: row.created_by,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}
