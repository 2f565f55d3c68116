import { Writable } from 'node:stream';
import { encode } from 'next-auth/jwt';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog } from '@/lib/audit/audit-log';
import { Authenticator } from '@/lib/auth/authenticator';
import { ensureInitialAdmin } from '@/lib/auth/initial-admin';
import { LoginRefusals } from '@/lib/auth/login-refusals';
import { LoginService } from '@/lib/auth/login-service';
import { buildAuthOptions } from '@/lib/auth/next-auth-options';
import { LoginRateLimiter } from '@/lib/auth/rate-limiter';
import { SessionService } from '@/lib/auth/session-service';
import { sessionCookie } from '@/lib/auth/testing';
import { TokenService } from '@/lib/auth/token-service';
import type { AuthRequestLike } from '@/lib/auth/types';
import { UserService, type UserRecord } from '@/lib/auth/user-service';
import { ENGINES, openTestDatabase, seedClusters, type TestDatabase } from '@/lib/db/testing';
import { parseTrustedProxies } from '@/lib/http/request-meta';
import type { AppContext } from '@/lib/server/app-context';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';

function req(headers: Record<string, string> = {}, url = '/api/v1/clusters'): AuthRequestLike {
  const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return { url, headers: { get: (n) => lower[n.toLowerCase()] ?? null } };
}

function captured() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _e, cb) {
      lines.push(chunk.toString());
      cb();
    },
  });
  return { logger: pino(stream), lines };
}

describe.each(ENGINES)('Authenticator, sessions, tokens and logins on %s', (engine) => {
  let t: TestDatabase;
  let now = Date.now();
  const clock = () => now;
  let users: UserService;
  let tokens: TokenService;
  let sessions: SessionService;
  let auth: Authenticator;
  let audit: AuditLog;
  let viewer: UserRecord;
  let admin: UserRecord;

  beforeAll(async () => {
    t = await openTestDatabase(engine);
    await seedClusters(t.db, ['prod', 'a', 'b']);
    sessions = new SessionService(t.db, { now: clock });
    users = new UserService(t.db, { now: clock, sessions });
    tokens = new TokenService(t.db, { now: clock });
    audit = new AuditLog(t.db, { now: clock });
    auth = new Authenticator({ users, tokens, sessions, secret: SECRET, now: clock, cacheTtlMs: 30_000 });
    viewer = await users.create({
      username: 'vera',
      password: 'vera-password',
      role: 'viewer',
      clusters: ['prod'],
    });
    admin = await users.create({ username: 'adam', password: 'adam-password', role: 'admin' });
  });
  afterAll(async () => {
    auth?.close();
    await t?.cleanup();
  });

  const session = async (uid: string, secret = SECRET) => (await sessionCookie(sessions, uid, secret)).jwt;

  it('accepts a next-auth session cookie: plain, __Secure- and chunked', async () => {
    const jwt = await session(viewer.id);
    const p = await auth.authenticate(req({ cookie: `other=1; next-auth.session-token=${jwt}` }));
    expect(p).toMatchObject({
      userId: viewer.id,
      username: 'vera',
      role: 'viewer',
      via: 'session',
      scope: 'write',
      clusters: ['prod'],
    });
    expect(p!.expiresAt).toBeGreaterThan(Date.now());
    expect(p!.sessionId).toEqual(expect.any(String));
    expect(await auth.authenticate(req({ cookie: `__Secure-next-auth.session-token=${jwt}` }))).toMatchObject(
      { userId: viewer.id },
    );
    const half = Math.floor(jwt.length / 2);
    const chunked = `next-auth.session-token.1=${jwt.slice(half)}; next-auth.session-token.0=${jwt.slice(0, half)}`;
    expect(await auth.authenticate(req({ cookie: chunked }))).toMatchObject({ userId: viewer.id });
    const a = await auth.authenticate(req({ cookie: `next-auth.session-token=${await session(admin.id)}` }));
    expect(a).toMatchObject({ role: 'admin', clusters: 'all' });
  });

  it('rejects forged, foreign-secret, session-less, revoked, borrowed and garbage sessions', async () => {
    const cookie = (jwt: string) => req({ cookie: `next-auth.session-token=${jwt}` });
    expect(
      await auth.authenticate(cookie(await session(viewer.id, 'another-secret-another-secret-1234'))),
    ).toBeNull();
    expect(await auth.authenticate(cookie('garbage'))).toBeNull();
    // a validly signed cookie without a server-side session id (as issued before sessions were stored)
    expect(
      await auth.authenticate(cookie(await encode({ token: { uid: viewer.id }, secret: SECRET }))),
    ).toBeNull();
    // another user's session id
    const other = await sessionCookie(sessions, admin.id, SECRET);
    const borrowed = await encode({ token: { uid: viewer.id, sid: other.sid }, secret: SECRET });
    expect(await auth.authenticate(cookie(borrowed))).toBeNull();
    const s = await sessionCookie(sessions, viewer.id, SECRET);
    await sessions.revoke(s.sid, 'sign-out');
    expect(await auth.authenticate(cookie(s.jwt))).toBeNull();
    expect(await auth.authenticate(req({}))).toBeNull();
  });

  it('accepts API tokens from header, query (only where allowed) and WebSocket subprotocol; a bad bearer never falls back to the cookie', async () => {
    const { token, record } = await tokens.create(viewer.id, { name: 'cli', scope: 'read' });
    const expected = { userId: viewer.id, via: 'token', scope: 'read', tokenId: record.id };
    expect(await auth.authenticate(req({ authorization: `Bearer ${token}` }))).toMatchObject(expected);
    expect(
      await auth.authenticate(req({}, `/api/v1/sse/nodes?token=${token}`), { queryToken: true }),
    ).toMatchObject(expected);
    expect(await auth.authenticate(req({}, `/api/v1/clusters?token=${token}`))).toBeNull();
    expect(
      await auth.authenticate(req({ 'sec-websocket-protocol': `knm.v1, bearer.${token}` })),
    ).toMatchObject(expected);
    const cookie = `next-auth.session-token=${await session(viewer.id)}`;
    expect(await auth.authenticate(req({ authorization: 'Bearer knm_wrong', cookie }))).toBeNull();
    expect(
      await auth.authenticate(req({ authorization: `Bearer ${token.slice(0, -2)}xx`, cookie })),
    ).toBeNull();
  });

  it('disabling a user ends REST/WS/SSE access (stillValid), its sessions and new authentications', async () => {
    const u = await users.create({ username: 'dora', password: 'dora-password', role: 'operator' });
    const { token } = await tokens.create(u.id, { name: 'x', scope: 'write' });
    const viaToken = (await auth.authenticate(req({ authorization: `Bearer ${token}` })))!;
    const s = await sessionCookie(sessions, u.id, SECRET);
    const viaSession = (await auth.authenticate(req({ cookie: s.cookie })))!;
    expect(await auth.stillValid(viaToken)).toBe(true);
    expect(await auth.stillValid(viaSession)).toBe(true);
    await users.update(u.id, { disabled: true });
    expect(await auth.stillValid(viaToken)).toBe(false);
    expect(await auth.stillValid(viaSession)).toBe(false);
    expect(await auth.authenticate(req({ authorization: `Bearer ${token}` }))).toBeNull();
    expect((await sessions.get(s.sid))?.revokedReason).toBe('disabled');
  });

  it('out-of-band changes (another instance) are noticed within the cache TTL (< 60 s)', async () => {
    const u = await users.create({ username: 'olga', password: 'olga-password', role: 'viewer' });
    const p = (await auth.authenticate(req({ cookie: `next-auth.session-token=${await session(u.id)}` })))!;
    expect(await auth.stillValid(p)).toBe(true);
    await t.db.kysely
      .updateTable('sessions')
      .set({ revoked_at: now })
      .where('id', '=', p.sessionId!)
      .execute();
    now += 10_000;
    expect(await auth.stillValid(p)).toBe(true); // still cached
    now += 21_000;
    expect(await auth.stillValid(p)).toBe(false);
  });

  it('a password change ends every other session; a role or grant change ends long-lived principals', async () => {
    const u = await users.create({
      username: 'pat',
      password: 'pat-password',
      role: 'operator',
      clusters: ['a'],
    });
    const mine = await sessionCookie(sessions, u.id, SECRET);
    const stolen = await sessionCookie(sessions, u.id, SECRET);
    const me = (await auth.authenticate(req({ cookie: mine.cookie })))!;
    const thief = (await auth.authenticate(req({ cookie: stolen.cookie })))!;
    await users.changeOwnPassword(u.id, 'pat-password', 'pat-password-2', me.sessionId);
    expect(await auth.stillValid(thief)).toBe(false);
    expect(await auth.authenticate(req({ cookie: stolen.cookie }))).toBeNull();
    expect(await auth.stillValid(me)).toBe(true);
    await users.update(u.id, { clusters: ['a', 'b'] });
    expect(await auth.stillValid(me)).toBe(false);
    const regranted = (await auth.authenticate(req({ cookie: mine.cookie })))!;
    expect(regranted.clusters).toEqual(['a', 'b']);
    await users.update(u.id, { role: 'viewer' });
    expect(await auth.stillValid(regranted)).toBe(false);
    await users.resetPassword(u.id, 'pat-password-3');
    expect(await auth.authenticate(req({ cookie: mine.cookie }))).toBeNull();
  });

  it('revoked and expired tokens lose access', async () => {
    const r = await tokens.create(viewer.id, { name: 'rev', scope: 'write' });
    const p = (await auth.authenticate(req({ authorization: `Bearer ${r.token}` })))!;
    await tokens.revoke(r.record.id, viewer.id);
    expect(await auth.stillValid(p)).toBe(false);
    const e = await tokens.create(viewer.id, { name: 'exp', scope: 'read', expiresAt: now + 5_000 });
    const pe = (await auth.authenticate(req({ authorization: `Bearer ${e.token}` })))!;
    expect(pe.expiresAt).toBe(now + 5_000);
    now += 6_000;
    expect(await auth.stillValid(pe)).toBe(false);
    expect(await auth.authenticate(req({ authorization: `Bearer ${e.token}` }))).toBeNull();
  });

  it('logins are limited per account and address, never per account alone; refused attempts are aggregated', async () => {
    const refusals = new LoginRefusals(t.db, { windowSeconds: 60, now: clock });
    const limiter = new LoginRateLimiter(t.db, {
      perUserIp: { points: 3, durationSeconds: 900 },
      perIp: { points: 50, durationSeconds: 900 },
      slowdownAfter: 100,
    });
    const login = new LoginService(users, limiter, audit, refusals);
    await expect(
      login.login({ username: 'vera', password: 'vera-password', ip: '10.1.1.1', userAgent: 'ua' }),
    ).resolves.toMatchObject({ id: viewer.id });
    for (let i = 0; i < 3; i++) {
      await expect(
        login.login({ username: 'vera', password: 'nope-nope', ip: '10.1.1.1' }),
      ).rejects.toMatchObject({ code: 'invalid_credentials', httpStatus: 401 });
    }
    for (let i = 0; i < 2; i++) {
      const limited = login.login({ username: 'VERA', password: 'vera-password', ip: '10.1.1.1' });
      await expect(limited).rejects.toMatchObject({ code: 'rate_limited', httpStatus: 429 });
      await expect(limited).rejects.toThrow(
        /Too many failed sign-in attempts for this account from this address/,
      );
    }
    // the same account from another address is not locked out
    await expect(
      login.login({ username: 'vera', password: 'vera-password', ip: '10.9.9.9' }),
    ).resolves.toMatchObject({ id: viewer.id });
    const disabled = await users.create({ username: 'dis', password: 'dis-password', role: 'viewer' });
    await users.update(disabled.id, { disabled: true });
    await expect(
      login.login({ username: 'dis', password: 'dis-password', ip: '10.2.2.2' }),
    ).rejects.toMatchObject({ code: 'account_disabled' });
    const entries = async () =>
      (await audit.query({ action: 'auth.login' }, { limit: 50 }, { userId: admin.id, role: 'admin' })).items
        .filter((e) => e.target?.toLowerCase() === 'vera')
        .reverse();
    expect((await entries()).map((e) => e.result)).toEqual([
      'success',
      'failure',
      'failure',
      'failure',
      'success',
    ]);
    expect((await entries())[0]).toMatchObject({ userId: viewer.id, ip: '10.1.1.1', userAgent: 'ua' });
    now += 61_000;
    expect(await refusals.flush(audit)).toBe(1);
    const agg = (await entries()).at(-1)!;
    expect(agg).toMatchObject({ result: 'failure', ip: '10.1.1.1' });
    expect(agg.error).toBe('rate limited (user+ip): 2 sign-in attempts refused');
    expect(agg.parameters).toMatchObject({ aggregated: true, refused: 2 });
    expect(await refusals.flush(audit)).toBe(0);
  });

  it('next-auth: null for bad password, the limiter message for lockouts, a server-side session per sign-in', async () => {
    const ctx = {
      config: {
        nextAuthSecret: SECRET,
        nextAuthUrl: 'http://localhost:3000',
        publicOrigins: [],
        trustedProxies: parseTrustedProxies('10.0.0.0/8'),
      },
      logger: pino({ level: 'silent' }),
      auth,
      audit,
      login: new LoginService(
        users,
        new LoginRateLimiter(t.db),
        audit,
        new LoginRefusals(t.db, { windowSeconds: 60, now: clock }),
      ),
    } as unknown as AppContext;
    const opts = buildAuthOptions(ctx);
    expect(opts.jwt?.maxAge).toBe(opts.session?.maxAge);
    // next-auth merges `options` over the provider defaults at runtime; the real authorize lives there.
    const provider = (
      opts.providers[0] as unknown as {
        options: { authorize: (c: Record<string, string>, r: unknown) => Promise<unknown> };
      }
    ).options;
    const r = {
      headers: {
        'x-knm-peer': '10.0.0.2',
        'x-forwarded-for': '192.0.2.7, 10.0.0.1',
        'user-agent': 'browser',
      },
    };
    const user = await provider.authorize({ username: 'adam', password: 'adam-password' }, r);
    expect(user).toMatchObject({ id: admin.id, name: 'adam', role: 'admin', ip: '192.0.2.7' });
    expect(await provider.authorize({ username: 'adam', password: 'wrong-pass' }, r)).toBeNull();
    for (let i = 0; i < 4; i++) await provider.authorize({ username: 'adam', password: 'wrong-pass' }, r);
    await expect(provider.authorize({ username: 'adam', password: 'adam-password' }, r)).rejects.toThrow(
      /Too many failed sign-in attempts/,
    );
    const last = await audit.query({ user: 'adam' }, { limit: 1 }, { userId: admin.id, role: 'admin' });
    expect(last.items[0]).toMatchObject({ ip: '192.0.2.7', userAgent: 'browser', result: 'failure' });
    const jwt = opts.callbacks!.jwt! as (p: unknown) => Promise<Record<string, unknown>>;
    const signedIn = await jwt({ token: {}, user, account: null, trigger: 'signIn' });
    expect(signedIn).toMatchObject({ uid: admin.id, role: 'admin', sid: expect.any(String) as string });
    expect(await sessions.get(signedIn.sid as string)).toMatchObject({ userId: admin.id, revokedAt: null });
    // later session reads re-check the account: a reset password ends the session
    expect(await jwt({ token: signedIn })).toMatchObject({ uid: admin.id });
    await users.resetPassword(admin.id, 'adam-password-2');
    await expect(jwt({ token: signedIn })).rejects.toThrow(/no longer valid/);
    // sign-out revokes the server-side session
    const again = await jwt({ token: {}, user, account: null, trigger: 'signIn' });
    await opts.events!.signOut!({ token: again } as never);
    expect((await sessions.get(again.sid as string))?.revokedReason).toBe('sign-out');
  });
});

describe.each(ENGINES)('ensureInitialAdmin on %s', (engine) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase(engine);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('creates admin with a random password printed once, stored only as a hash', async () => {
    const users = new UserService(t.db);
    const log = captured();
    expect(await ensureInitialAdmin(users, log.logger)).toBe('admin');
    const line = log.lines.join('');
    const password = /Password: (\S+)/.exec(line)?.[1];
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await users.verifyCredentials('admin', password!)).toMatchObject({ role: 'admin' });
    const row = await t.db.kysely.selectFrom('users').selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(password);
    expect(await ensureInitialAdmin(users, log.logger)).toBeNull();
    expect(log.lines).toHaveLength(1);
  });

  it('uses ADMIN_USERNAME/ADMIN_PASSWORD on a fresh database without logging the password', async () => {
    const t2 = await openTestDatabase(engine);
    try {
      const users = new UserService(t2.db);
      const log = captured();
      expect(
        await ensureInitialAdmin(users, log.logger, { username: 'boss', password: 'boss-password-1' }),
      ).toBe('boss');
      expect(log.lines.join('')).not.toContain('boss-password-1');
      expect(await users.verifyCredentials('boss', 'boss-password-1')).not.toBeNull();
    } finally {
      await t2.cleanup();
    }
  });
});
