import { sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';

type Dialect = 'sqlite' | 'postgres';

// Migrations take Kysely<any> on purpose: they must keep working after DB evolves.
/* eslint-disable @typescript-eslint/no-explicit-any */
function initial(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('password_hash', 'text')
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull().defaultTo('local'))
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('password_changed_at', 'bigint')
        .execute();

      await db.schema
        .createTable('user_clusters')
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('cluster', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('user_clusters_pk', ['user_id', 'cluster'])
        .execute();

      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('last_used_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('api_tokens_user_idx').on('api_tokens').column('user_id').execute();

      await db.schema
        .createTable('clusters')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('context', 'text')
        .addColumn('server', 'text')
        .addColumn('kubeconfig_enc', 'text')
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      // The only engine-specific line: an auto-increment key for stable audit pagination.
      await db.schema
        .createTable('audit_log')
        .addColumn('id', dialect === 'postgres' ? 'bigserial' : 'integer', (c) =>
          dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement(),
        )
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('user_id', 'text')
        .addColumn('username', 'text')
        .addColumn('cluster', 'text')
        .addColumn('target', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('parameters', 'text')
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('error', 'text')
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .execute();
      for (const col of ['at', 'user_id', 'cluster', 'action']) {
        await db.schema.createIndex(`audit_log_${col}_idx`).on('audit_log').column(col).execute();
      }

      await db.schema
        .createTable('meta')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['meta', 'audit_log', 'clusters', 'api_tokens', 'user_clusters', 'users']) {
        await db.schema.dropTable(t).ifExists().execute();
      }
    },
  };
}

const templates: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('templates')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('spec', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('templates').ifExists().execute();
  },
};

const operations: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('operations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('cluster', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('username', 'text', (c) => c.notNull())
      .addColumn('snapshot', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('instance_id', 'text', (c) => c.notNull())
      .addColumn('cancel_requested', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('operations_created_at').on('operations').column('created_at').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropTable('operations').ifExists().execute();
  },
};
/**
 * Issue 10's hardening: server-side sessions (revocable jti), the shared rate-limiter store
 * (rate-limiter-flexible's table shape), aggregated refused-login counters, intent-then-outcome
 * audit rows, template owners, and case-insensitively unique usernames.
 */
function security(dialect: Dialect): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .addColumn('revoked_reason', 'text')
        .addColumn('ip', 'text')
        .addColumn('user_agent', 'text')
        .execute();
      await db.schema.createIndex('sessions_user_idx').on('sessions').column('user_id').execute();
      await db.schema.createIndex('sessions_expires_idx').on('sessions').column('expires_at').execute();

      // Exactly the table rate-limiter-flexible creates itself, made here so its schema is versioned.
      await db.schema
        .createTable('rate_limits')
        .addColumn('key', dialect === 'postgres' ? 'varchar(255)' : 'text', (c) => c.primaryKey())
        .addColumn('points', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('expire', 'bigint')
        .execute();

      await db.schema
        .createTable('login_refusals')
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('window_start', 'bigint', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('username', 'text')
        .addColumn('ip', 'text')
        .addColumn('count', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('login_refusals_pk', ['key', 'window_start'])
        .execute();

      await db.schema.alterTable('audit_log').addColumn('completed_at', 'bigint').execute();
      await db.schema.createIndex('audit_log_result_idx').on('audit_log').column('result').execute();

      await db.schema.alterTable('templates').addColumn('owner_id', 'text').execute();
      await sql`UPDATE templates SET owner_id = (SELECT id FROM users WHERE users.username = templates.created_by)`.execute(
        db,
      );

      // Grants to clusters that no longer exist would pass to a new cluster of the same name.
      await sql`DELETE FROM user_clusters WHERE cluster NOT IN (SELECT name FROM clusters)`.execute(db);

      const dupes = await sql<{ name: string }>`
        SELECT lower(username) AS name FROM users GROUP BY lower(username) HAVING count(*) > 1`.execute(db);
      if (dupes.rows.length > 0) {
        throw new Error(
          `usernames must be unique ignoring case; rename one of each before upgrading: ${dupes.rows
            .map((r) => r.name)
            .join(', ')}`,
        );
      }
      await sql`CREATE UNIQUE INDEX users_username_lower_idx ON users (lower(username))`.execute(db);
    },
    async down(db: Kysely<any>) {
      await sql`DROP INDEX IF EXISTS users_username_lower_idx`.execute(db);
      await db.schema.alterTable('templates').dropColumn('owner_id').execute();
      await db.schema.dropIndex('audit_log_result_idx').ifExists().execute();
      await db.schema.alterTable('audit_log').dropColumn('completed_at').execute();
      for (const t of ['login_refusals', 'rate_limits', 'sessions'])
        await db.schema.dropTable(t).ifExists().execute();
    },
  };
}

/** The id of the request that caused each audit entry, to join it with the request's log lines. */
const auditRequestId: Migration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('audit_log').addColumn('request_id', 'text').execute();
    await db.schema.createIndex('audit_log_request_id_idx').on('audit_log').column('request_id').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('audit_log_request_id_idx').execute();
    await db.schema.alterTable('audit_log').dropColumn('request_id').execute();
  },
};

/** Leases: the replica running an operation renews lease_expires_at; attempt fences out a previous run. */
const operationLeases: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('operations')
      .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
    await db.schema.alterTable('operations').addColumn('lease_expires_at', 'bigint').execute();
    await db.schema
      .createIndex('operations_state_lease')
      .on('operations')
      .columns(['state', 'lease_expires_at'])
      .execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.dropIndex('operations_state_lease').ifExists().execute();
    await db.schema.alterTable('operations').dropColumn('lease_expires_at').execute();
    await db.schema.alterTable('operations').dropColumn('attempt').execute();
  },
};
/**
 * Acting as the person: each cluster's identity mode ('shared' keeps every existing cluster as it
 * was), and per session the provider's groups and the encrypted OIDC tokens (oidc-token mode).
 */
const identity: Migration = {
  async up(db: Kysely<any>) {
    await db.schema
      .alterTable('clusters')
      .addColumn('identity_mode', 'text', (c) => c.notNull().defaultTo('shared'))
      .execute();
    await db.schema.alterTable('sessions').addColumn('groups', 'text').execute();
    await db.schema.alterTable('sessions').addColumn('oidc_tokens_enc', 'text').execute();
  },
  async down(db: Kysely<any>) {
    await db.schema.alterTable('sessions').dropColumn('oidc_tokens_enc').execute();
    await db.schema.alterTable('sessions').dropColumn('groups').execute();
    await db.schema.alterTable('clusters').dropColumn('identity_mode').execute();
  },
};
/* eslint-enable @typescript-eslint/no-explicit-any */

/** In-code provider: migrations ship inside the bundle, no filesystem scanning. */
export function migrationProvider(dialect: Dialect): MigrationProvider {
  return {
    getMigrations: () =>
      Promise.resolve({
        '0001_initial': initial(dialect),
        '0002_templates': templates,
        '0003_operations': operations,
        '0004_security': security(dialect),
        '0005_audit_request_id': auditRequestId,
        '0006_operation_leases': operationLeases,
        '0007_identity': identity,
      }),
  };
}
