import { randomUUID } from 'node:crypto';
import type { Database } from '@/lib/db';
import type { UsersTable } from '@/lib/db/schema';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from './errors';
import { burnVerifyTime, hashPassword, validatePassword, verifyPassword } from './passwords';
import { ROLES } from './permissions';
import type { SessionService } from './session-service';
import type { Role } from './types';

export interface UserRecord {
  id: string;
  username: string;
  role: Role;
  source: 'local' | 'oidc';
  disabled: boolean;
  /** per-cluster grants; ignored for admins, who see every cluster */
  clusters: string[];
  createdAt: number;
  updatedAt: number;
  passwordChangedAt: number | null;
}

export interface CreateUserInput {
  username: string;
  password: string;
  role: Role;
  clusters?: string[];
}

export interface UpdateUserInput {
  role?: Role;
  clusters?: string[];
  disabled?: boolean;
}

export type UserChange = { userId: string; kind: 'created' | 'updated' | 'disabled' | 'password' };

const USERNAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

export function validateUsername(username: string): void {
  if (!USERNAME_RE.test(username)) {
    throw new ValidationError(
      'username',
      'must be 1-64 characters: letters, digits, and . _ @ - (not leading)',
    );
  }
}

function validateRole(role: string): asserts role is Role {
  if (!(ROLES as readonly string[]).includes(role))
    throw new ValidationError('role', `must be one of ${ROLES.join(', ')}`);
}

/** Local and OIDC accounts, roles and per-cluster grants. Passwords are argon2id hashes only. */
export class UserService {
  private readonly listeners = new Set<(c: UserChange) => void>();
  private readonly now: () => number;
  private readonly sessions?: SessionService;

  /** With `sessions`, disabling an account or setting its password ends its server-side sessions. */
  constructor(
    private readonly db: Database,
    opts: { now?: () => number; sessions?: SessionService } = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.sessions = opts.sessions;
  }

  onChange(listener: (c: UserChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async count(): Promise<number> {
    const row = await this.db.kysely
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async create(input: CreateUserInput, source: 'local' | 'oidc' = 'local'): Promise<UserRecord> {
    validateUsername(input.username);
    validateRole(input.role);
    if (source === 'local') validatePassword(input.password);
    await this.assertClustersExist(input.clusters ?? []);
    if (await this.findByUsername(input.username))
      throw new ConflictError(`user '${input.username}' already exists`);
    const now = this.now();
    const id = randomUUID();
    const passwordHash = source === 'local' ? await hashPassword(input.password) : null;
    try {
      await this.db.kysely.transaction().execute(async (trx) => {
        await trx
          .insertInto('users')
          .values({
            id,
            username: input.username,
            password_hash: passwordHash,
            role: input.role,
            source,
            disabled: 0,
            created_at: now,
            updated_at: now,
            password_changed_at: passwordHash ? now : null,
          })
          .execute();
        const clusters = [...new Set(input.clusters ?? [])];
        if (clusters.length > 0) {
          await trx
            .insertInto('user_clusters')
            .values(clusters.map((cluster) => ({ user_id: id, cluster })))
            .execute();
        }
      });
    } catch (err) {
      // A concurrent create of the same name loses on the unique index.
      if (await this.findByUsername(input.username))
        throw new ConflictError(`user '${input.username}' already exists`);
      throw err;
    }
    this.emit({ userId: id, kind: 'created' });
    return (await this.get(id))!;
  }

  async get(id: string): Promise<UserRecord | null> {
    const row = await this.db.kysely.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? this.hydrate(row) : null;
  }

  async require(id: string): Promise<UserRecord> {
    const user = await this.get(id);
    if (!user) throw new NotFoundError(`user ${id}`);
    return user;
  }

  /** Usernames are unique ignoring case (a unique index on lower(username)), and found that way. */
  async findByUsername(username: string): Promise<UserRecord | null> {
    const row = await this.rowByUsername(username);
    return row ? this.hydrate(row) : null;
  }

  private rowByUsername(username: string) {
    return this.db.kysely
      .selectFrom('users')
      .selectAll()
      .where((eb) => eb(eb.fn('lower', ['username']), '=', username.toLowerCase()))
      .executeTakeFirst();
  }

  /** A grant to a cluster that does not exist would pass to a cluster registered later under that name. */
  private async assertClustersExist(clusters: string[]): Promise<void> {
    const wanted = [...new Set(clusters)];
    if (wanted.length === 0) return;
    const found = await this.db.kysely
      .selectFrom('clusters')
      .select('name')
      .where('name', 'in', wanted)
      .execute();
    const known = new Set(found.map((r) => r.name));
    const unknown = wanted.filter((c) => !known.has(c));
    if (unknown.length > 0) throw new ValidationError('clusters', `no such cluster: ${unknown.join(', ')}`);
  }

  async list(): Promise<UserRecord[]> {
    const rows = await this.db.kysely.selectFrom('users').selectAll().orderBy('username').execute();
    const grants = await this.db.kysely.selectFrom('user_clusters').selectAll().orderBy('cluster').execute();
    const byUser = new Map<string, string[]>();
    for (const g of grants) byUser.set(g.user_id, [...(byUser.get(g.user_id) ?? []), g.cluster]);
    return rows.map((r) => toRecord(r, byUser.get(r.id) ?? []));
  }

  async update(id: string, input: UpdateUserInput): Promise<UserRecord> {
    const user = await this.require(id);
    if (input.role !== undefined) validateRole(input.role);
    if (input.clusters !== undefined) await this.assertClustersExist(input.clusters);
    const losesAdmin =
      user.role === 'admin' &&
      !user.disabled &&
      ((input.role && input.role !== 'admin') || input.disabled === true);
    if (losesAdmin && (await this.activeAdminCount()) <= 1) {
      throw new ForbiddenError('cannot demote or disable the last active admin');
    }
    await this.db.kysely.transaction().execute(async (trx) => {
      await trx
        .updateTable('users')
        .set({
          ...(input.role !== undefined ? { role: input.role } : {}),
          ...(input.disabled !== undefined ? { disabled: input.disabled ? 1 : 0 } : {}),
          updated_at: this.now(),
        })
        .where('id', '=', id)
        .execute();
      if (input.clusters !== undefined) {
        await trx.deleteFrom('user_clusters').where('user_id', '=', id).execute();
        const clusters = [...new Set(input.clusters)];
        if (clusters.length > 0) {
          await trx
            .insertInto('user_clusters')
            .values(clusters.map((cluster) => ({ user_id: id, cluster })))
            .execute();
        }
      }
    });
    if (input.disabled === true) await this.sessions?.revokeAll(id, 'disabled');
    this.emit({ userId: id, kind: input.disabled === true ? 'disabled' : 'updated' });
    return this.require(id);
  }

  /** Sets a new password and ends the user's sessions, except `keepSession` (the one that asked). */
  async resetPassword(id: string, password: string, keepSession?: string): Promise<void> {
    const user = await this.require(id);
    if (user.source !== 'local')
      throw new ValidationError('password', 'single sign-on accounts have no local password');
    validatePassword(password);
    const now = this.now();
    await this.db.kysely
      .updateTable('users')
      .set({ password_hash: await hashPassword(password), password_changed_at: now, updated_at: now })
      .where('id', '=', id)
      .execute();
    await this.sessions?.revokeAll(id, 'password', keepSession);
    this.emit({ userId: id, kind: 'password' });
  }

  /** Checks the current password; ends every other session of the user (the caller's stays). */
  async changeOwnPassword(id: string, current: string, next: string, keepSession?: string): Promise<void> {
    const row = await this.db.kysely
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new NotFoundError(`user ${id}`);
    if (!row.password_hash || !(await verifyPassword(row.password_hash, current))) {
      throw new ValidationError('currentPassword', 'is incorrect');
    }
    if (current === next) throw new ValidationError('newPassword', 'must differ from the current password');
    await this.resetPassword(id, next, keepSession);
  }

  /** Null for unknown user, wrong password or an SSO account; timing does not reveal which. */
  async verifyCredentials(username: string, password: string): Promise<UserRecord | null> {
    const row = await this.rowByUsername(username);
    if (!row?.password_hash) {
      await burnVerifyTime(password);
      return null;
    }
    if (!(await verifyPassword(row.password_hash, password))) return null;
    return this.hydrate(row);
  }

  /** OIDC sign-in: creates the account on first login and keeps its role in sync with group claims. */
  async upsertOidcUser(username: string, role: Role): Promise<UserRecord> {
    const existing = await this.findByUsername(username);
    if (!existing) return this.create({ username, password: '', role }, 'oidc');
    if (existing.source !== 'oidc')
      throw new ConflictError(`a local account named '${username}' already exists`);
    if (existing.role === role) return existing;
    return this.update(existing.id, { role });
  }

  private async activeAdminCount(): Promise<number> {
    const row = await this.db.kysely
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('role', '=', 'admin')
      .where('disabled', '=', 0)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  private async hydrate(row: UsersTable): Promise<UserRecord> {
    const grants = await this.db.kysely
      .selectFrom('user_clusters')
      .select('cluster')
      .where('user_id', '=', row.id)
      .orderBy('cluster')
      .execute();
    return toRecord(
      row,
      grants.map((g) => g.cluster),
    );
  }

  private emit(change: UserChange): void {
    for (const l of this.listeners) l(change);
  }
}

function toRecord(row: UsersTable, clusters: string[]): UserRecord {
  return {
    id: row.id,
    username: row.username,
    role: row.role as Role,
    source: row.source === 'oidc' ? 'oidc' : 'local',
    disabled: Number(row.disabled) === 1,
    clusters,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
    passwordChangedAt: row.password_changed_at === null ? null : Number(row.password_changed_at),
  };
}
