import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '@/lib/audit/audit-log';
import { ConflictError, ForbiddenError, ValidationError } from '@/lib/auth/errors';
import { LoginRefusals } from '@/lib/auth/login-refusals';
import { LoginRateLimiter } from '@/lib/auth/rate-limiter';
import { TokenService } from '@/lib/auth/token-service';
import { UserService } from '@/lib/auth/user-service';
import { ENGINES, openTestDatabase, seedClusters, type TestDatabase } from '@/lib/db/testing';

describe.each(ENGINES)('data layer on %s', (engine) => {
  let t: TestDatabase;
  let now = 1_700_000_000_000;
  const clock = () => now;
  let users: UserService;
  let tokens: TokenService;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedClusters(t.db, ['a', 'b', 'c']);
    users = new UserService(t.db, { now: clock });
    tokens = new TokenService(t.db, { now: clock });
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('migrations are idempotent: reopening applies nothing and keeps data', async () => {
    expect(t.db.dialect).toBe(engine);
    await users.create({ username: 'persist', password: 'persist-pass-1', role: 'viewer' });
    const again = await t.reopen();
    const row = await again.kysely
      .selectFrom('users')
      .select('username')
      .where('username', '=', 'persist')
      .executeTakeFirst();
    expect(row?.username).toBe('persist');
  });

  it('creates users with argon2id hashes, grants and unique names', async () => {
    const alice = await users.create({
      username: 'alice',
      password: 'correct horse',
      role: 'operator',
      clusters: ['b', 'a', 'a'],
    });
    expect(alice).toMatchObject({
      username: 'alice',
      role: 'operator',
      disabled: false,
      clusters: ['a', 'b'],
      source: 'local',
    });
    expect(alice.createdAt).toBe(now);
    const raw = await t.db.kysely
      .selectFrom('users')
      .select('password_hash')
      .where('id', '=', alice.id)
      .executeTakeFirstOrThrow();
    expect(raw.password_hash).toMatch(/^\$argon2id\$/);
    await expect(
      users.create({ username: 'alice', password: 'whatever12', role: 'viewer' }),
    ).rejects.toBeInstanceOf(ConflictError);
    await expect(
      users.create({ username: 'ALICE', password: 'whatever12', role: 'viewer' }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await users.findByUsername('Alice'))?.id).toBe(alice.id);
    await expect(
      users.create({ username: 'zed', password: 'whatever12', role: 'viewer', clusters: ['nope'] }),
    ).rejects.toThrow(/^clusters: no such cluster: nope/);
    await expect(
      users.create({ username: 'bad name', password: 'whatever12', role: 'viewer' }),
    ).rejects.toThrow(/^username:/);
    await expect(users.create({ username: 'shorty', password: 'short', role: 'viewer' })).rejects.toThrow(
      /password: must be at least 8/,
    );
    await expect(
      users.create({ username: 'r', password: 'whatever12', role: 'root' as never }),
    ).rejects.toThrow(/role: must be one of/);
  });

  it('verifies credentials and changes passwords', async () => {
    expect(await users.verifyCredentials('alice', 'correct horse')).toMatchObject({ username: 'alice' });
    expect(await users.verifyCredentials('alice', 'wrong password')).toBeNull();
    expect(await users.verifyCredentials('nobody', 'correct horse')).toBeNull();
    const alice = (await users.findByUsername('alice'))!;
    await expect(users.changeOwnPassword(alice.id, 'wrong', 'new password 1')).rejects.toThrow(
      /currentPassword: is incorrect/,
    );
    await users.changeOwnPassword(alice.id, 'correct horse', 'new password 1');
    expect(await users.verifyCredentials('alice', 'new password 1')).not.toBeNull();
    await users.resetPassword(alice.id, 'admin-set-pass');
    expect(await users.verifyCredentials('alice', 'new password 1')).toBeNull();
    expect(await users.verifyCredentials('alice', 'admin-set-pass')).not.toBeNull();
  });

  it('updates role, grants and disabled; protects the last admin', async () => {
    const admin = await users.create({ username: 'root', password: 'root-password', role: 'admin' });
    const alice = (await users.findByUsername('alice'))!;
    const updated = await users.update(alice.id, { role: 'viewer', clusters: ['c'], disabled: true });
    expect(updated).toMatchObject({ role: 'viewer', clusters: ['c'], disabled: true });
    await expect(users.update(admin.id, { role: 'viewer' })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(users.update(admin.id, { disabled: true })).rejects.toThrow(/last active admin/);
    const second = await users.create({ username: 'root2', password: 'root-password', role: 'admin' });
    await users.update(admin.id, { disabled: true });
    expect((await users.get(admin.id))!.disabled).toBe(true);
    await users.update(admin.id, { disabled: false });
    const list = await users.list();
    expect(list.map((u) => u.username)).toEqual(['alice', 'persist', 'root', 'root2']);
    expect(list.find((u) => u.id === second.id)?.role).toBe('admin');
  });

  it('OIDC users are created on first login and follow group-mapped roles', async () => {
    const o = await users.upsertOidcUser('sso@example.com', 'viewer');
    expect(o.source).toBe('oidc');
    expect((await users.upsertOidcUser('sso@example.com', 'operator')).role).toBe('operator');
    expect(await users.verifyCredentials('sso@example.com', '')).toBeNull();
    await expect(users.upsertOidcUser('alice', 'admin')).rejects.toBeInstanceOf(ConflictError);
  });

  it('API tokens: hashed at rest, scoped, expiring, revocable', async () => {
    const alice = (await users.findByUsername('alice'))!;
    const { token, record } = await tokens.create(alice.id, {
      name: 'ci',
      scope: 'read',
      expiresAt: now + 60_000,
    });
    expect(token.startsWith('knm_')).toBe(true);
    const raw = await t.db.kysely
      .selectFrom('api_tokens')
      .selectAll()
      .where('id', '=', record.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(raw)).not.toContain(token);
    expect(raw.prefix).toBe(token.slice(0, 12));
    expect((await tokens.findActive(token))?.id).toBe(record.id);
    expect(await tokens.findActive(token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A'))).toBeNull();
    now += 61_000;
    expect(await tokens.findActive(token)).toBeNull();
    const w = await tokens.create(alice.id, { name: 'deploy', scope: 'write' });
    expect(await tokens.isActive(w.record.id)).toBe(true);
    const other = await users.create({ username: 'mallory', password: 'mallory-pass', role: 'viewer' });
    await expect(tokens.revoke(w.record.id, other.id)).rejects.toThrow(/not found/);
    const revoked = await tokens.revoke(w.record.id, alice.id);
    expect(revoked.revokedAt).toBe(now);
    expect(await tokens.findActive(w.token)).toBeNull();
    expect((await tokens.list(alice.id)).map((x) => x.name).sort()).toEqual(['ci', 'deploy']);
    await expect(tokens.create(alice.id, { name: '', scope: 'read' })).rejects.toBeInstanceOf(
      ValidationError,
    );
    await expect(tokens.create(alice.id, { name: 'old', scope: 'read', expiresAt: now - 1 })).rejects.toThrow(
      /expiresAt/,
    );
  });

  it('audit log: append, redact secrets, filter, paginate, own-only for non-admins', async () => {
    const audit = new AuditLog(t.db, { now: clock });
    const base = now;
    for (let i = 0; i < 7; i++) {
      now = base + i * 1000;
      await audit.record({
        user: { id: i % 2 ? 'u1' : 'u2', username: i % 2 ? 'one' : 'two' },
        cluster: i < 4 ? 'prod' : 'dev',
        target: `node-${i}`,
        action: i % 3 === 0 ? 'node.cordon' : 'node.drain',
        parameters: { force: i === 5, token: 'knm_secret_value', nested: { password: 'x' } },
        result: i === 6 ? 'failure' : 'success',
        error: i === 6 ? 'boom' : null,
        ip: '10.0.0.1',
        userAgent: 'vitest',
      });
    }
    const admin = { userId: 'admin', role: 'admin' as const };
    const all = await audit.query({}, { limit: 3 }, admin);
    expect(all.items.map((e) => e.target)).toEqual(['node-6', 'node-5', 'node-4']);
    expect(all.items[0]).toMatchObject({
      result: 'failure',
      error: 'boom',
      ip: '10.0.0.1',
      userAgent: 'vitest',
      at: base + 6000,
    });
    expect(JSON.stringify(all.items)).not.toContain('knm_secret_value');
    expect(all.items[1]!.parameters).toMatchObject({
      force: true,
      token: '[redacted]',
      nested: { password: '[redacted]' },
    });
    const page2 = await audit.query({}, { limit: 3, before: all.nextCursor! }, admin);
    expect(page2.items.map((e) => e.target)).toEqual(['node-3', 'node-2', 'node-1']);
    const page3 = await audit.query({}, { limit: 3, before: page2.nextCursor! }, admin);
    expect(page3.items.map((e) => e.target)).toEqual(['node-0']);
    expect(page3.nextCursor).toBeNull();

    expect((await audit.query({ cluster: 'dev' }, {}, admin)).items).toHaveLength(3);
    expect((await audit.query({ action: 'node.cordon' }, {}, admin)).items.map((e) => e.target)).toEqual([
      'node-6',
      'node-3',
      'node-0',
    ]);
    expect((await audit.query({ action: 'node.*' }, {}, admin)).items).toHaveLength(7);
    expect((await audit.query({ result: 'failure' }, {}, admin)).items).toHaveLength(1);
    expect((await audit.query({ user: 'one' }, {}, admin)).items).toHaveLength(3);
    expect(
      (await audit.query({ since: base + 2000, until: base + 4000 }, {}, admin)).items.map((e) => e.target),
    ).toEqual(['node-3', 'node-2']);
    const own = await audit.query({ user: 'two' }, {}, { userId: 'u1', role: 'operator' });
    expect(own.items).toHaveLength(0);
    expect(
      (await audit.query({}, {}, { userId: 'u1', role: 'viewer' })).items.every((e) => e.userId === 'u1'),
    ).toBe(true);
  });

  it('audit: intent then outcome on one row, taint keys visible, retention prunes old rows', async () => {
    const audit = new AuditLog(t.db, { now: clock });
    const admin = { userId: 'admin', role: 'admin' as const };
    const id = await audit.begin({
      user: { id: 'u1', username: 'one' },
      action: 'node.taints',
      target: 'n1',
      parameters: { add: [{ key: 'dedicated', effect: 'NoSchedule' }], password: 'p' },
    });
    const pending = (await audit.query({ result: 'pending' }, {}, admin)).items;
    expect(pending.map((e) => e.id)).toContain(id);
    expect(pending.find((e) => e.id === id)?.parameters).toEqual({
      add: [{ key: 'dedicated', effect: 'NoSchedule' }],
      password: '[redacted]',
    });
    await audit.complete(id, 'failure', 'the API server said no');
    const done = (await audit.query({ action: 'node.taints' }, {}, admin)).items[0]!;
    expect(done).toMatchObject({ id, result: 'failure', error: 'the API server said no', completedAt: now });
    // an outcome is written once; a later complete() does not rewrite history
    await audit.complete(id, 'success');
    expect((await audit.query({ action: 'node.taints' }, {}, admin)).items[0]!.result).toBe('failure');
    const before = (await audit.query({}, { limit: 200 }, admin)).items.length;
    now += 400 * 86_400_000;
    await audit.record({ action: 'fresh', result: 'success' });
    expect(await audit.prune(365)).toBe(before);
    expect((await audit.query({}, { limit: 200 }, admin)).items.map((e) => e.action)).toEqual(['fresh']);
  });

  it('login limits and refused-sign-in counters live in the database, shared by every replica', async () => {
    const limits = {
      perUserIp: { points: 2, durationSeconds: 60 },
      perIp: { points: 3, durationSeconds: 60 },
      slowdownAfter: 1,
    };
    // two limiters on one database stand for two replicas
    const [a, b] = [new LoginRateLimiter(t.db, limits), new LoginRateLimiter(t.db, limits)];
    await a.recordFailure('10.0.0.1', 'Carol');
    await b.recordFailure('10.0.0.1', 'carol');
    expect(await a.check('10.0.0.1', 'carol')).toMatchObject({ ok: false, scope: 'user+ip' });
    expect(await b.check('10.0.0.2', 'carol')).toEqual({ ok: true });
    expect(await b.delayMs('carol')).toBeGreaterThan(0);
    await b.recordFailure('10.0.0.1', 'dave');
    expect(await a.check('10.0.0.1', 'erin')).toMatchObject({ ok: false, scope: 'ip' });
    await a.recordSuccess('10.0.0.2', 'carol');

    const refusals = new LoginRefusals(t.db, { windowSeconds: 60, now: clock });
    const audit = new AuditLog(t.db, { now: clock });
    for (let i = 0; i < 3; i++) await refusals.count('user+ip', 'carol', '10.0.0.1');
    await refusals.count('ip', 'erin', '10.0.0.1');
    expect(await refusals.flush(audit)).toBe(0);
    now += 61_000;
    expect(await refusals.flush(audit)).toBe(2);
    const rows = (await audit.query({ action: 'auth.login' }, {}, { userId: 'x', role: 'admin' })).items;
    expect(rows.map((r) => r.parameters?.refused).sort()).toEqual([1, 3]);
  });
});
