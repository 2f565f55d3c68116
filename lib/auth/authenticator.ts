import { decode } from 'next-auth/jwt';
import { isDatabaseUnavailable } from '@/lib/db/guarded-dialect';
import { extractApiToken, hashApiToken, isApiTokenFormat } from './api-token-format';
import { readSessionToken } from './cookies';
import { isLiveSession, type SessionRecord, type SessionService } from './session-service';
import { TtlCache } from './ttl-cache';
import { isLive, type TokenRecord, type TokenService } from './token-service';
import type { AuthRequestLike, Principal } from './types';
import type { UserRecord, UserService } from './user-service';

export interface AuthenticatorOptions {
  users: UserService;
  tokens: TokenService;
  sessions: SessionService;
  /** next-auth secret (config.nextAuthSecret) */
  secret: string;
  now?: () => number;
  /**
   * How long a user/session/token lookup is trusted (SESSION_RECHECK_SECONDS); capped at 30 s.
   * A revocation made on this replica applies at once; one made on another replica within this
   * TTL for requests, and within TTL + the push revalidation interval for open streams.
   */
  cacheTtlMs?: number;
  /** while the database is down, a lookup this recent is still used (reads keep working) */
  maxStaleMs?: number;
}

/** Claims this app puts into the next-auth JWT (see next-auth-options.ts). */
export interface SessionClaims {
  uid?: unknown;
  role?: unknown;
  exp?: unknown;
  /** the server-side session id (jti): only a live row in `sessions` makes the cookie valid */
  sid?: unknown;
}

/** A long-lived connection must re-authenticate when the role or grants it was admitted with change. */
function sameAccess(p: Principal, user: UserRecord): boolean {
  if (p.role !== user.role) return false;
  const now = principalFor(user).clusters;
  if (p.clusters === 'all' || now === 'all') return p.clusters === now;
  return p.clusters.length === now.length && p.clusters.every((c, i) => c === now[i]);
}

const MAX_TTL_MS = 30_000;

/**
 * Resolves a request to a Principal from an API token or a next-auth session cookie, and
 * re-checks long-lived principals (WebSocket/SSE) with stillValid(). Role and grants always
 * come from the database (cached briefly), not from the cookie, so a demotion takes effect
 * without re-login; a session cookie is valid only while its server-side session row is.
 */
export class Authenticator {
  readonly users: UserService;
  readonly tokens: TokenService;
  readonly sessions: SessionService;
  private readonly secret: string;
  private readonly now: () => number;
  private readonly maxStaleMs: number;
  private readonly userCache: TtlCache<UserRecord | null>;
  private readonly tokenCache: TtlCache<TokenRecord | null>;
  private readonly tokenHashCache: TtlCache<TokenRecord | null>;
  private readonly sessionCache: TtlCache<SessionRecord | null>;
  private readonly revocationListeners = new Set<() => void>();
  private readonly unsubscribe: Array<() => void>;

  constructor(opts: AuthenticatorOptions) {
    this.users = opts.users;
    this.tokens = opts.tokens;
    this.sessions = opts.sessions;
    this.secret = opts.secret;
    this.now = opts.now ?? Date.now;
    this.maxStaleMs = opts.maxStaleMs ?? 15 * 60_000;
    const ttl = Math.min(opts.cacheTtlMs ?? 20_000, MAX_TTL_MS);
    this.userCache = new TtlCache(ttl, this.now);
    this.tokenCache = new TtlCache(ttl, this.now);
    this.tokenHashCache = new TtlCache(ttl, this.now);
    this.sessionCache = new TtlCache(ttl, this.now);
    // Same-process changes apply at once (and close affected streams); the TTL only matters
    // for changes made through other replicas sharing the database.
    this.unsubscribe = [
      this.users.onChange((c) => {
        this.userCache.delete(c.userId);
        this.revoked();
      }),
      this.tokens.onChange((c) => {
        this.tokenCache.delete(c.tokenId);
        this.tokenHashCache.clear();
        if (c.kind === 'revoked') this.revoked();
      }),
      this.sessions.onChange((c) => {
        if (c.sessionId) this.sessionCache.delete(c.sessionId);
        else this.sessionCache.clear();
        this.revoked();
      }),
    ];
  }

  /** Called after a revocation on this replica (the push hub then re-checks its connections at once). */
  onRevocation(listener: () => void): () => void {
    this.revocationListeners.add(listener);
    return () => this.revocationListeners.delete(listener);
  }

  async authenticate(req: AuthRequestLike, opts: { queryToken?: boolean } = {}): Promise<Principal | null> {
    const apiToken = extractApiToken(req, { allowQuery: opts.queryToken });
    // A presented but bad token is a failure; it must not fall back to the cookie.
    if (apiToken !== null) return isApiTokenFormat(apiToken) ? this.fromApiToken(apiToken) : null;
    const session = readSessionToken(req.headers.get('cookie'));
    return session ? this.fromSession(session) : null;
  }

  /** False once the user is disabled or deleted, the token or session revoked, or either expired. */
  async stillValid(p: Principal): Promise<boolean> {
    if (p.expiresAt !== undefined && p.expiresAt <= this.now()) return false;
    const user = await this.cachedUser(p.userId);
    if (!user || user.disabled || !sameAccess(p, user)) return false;
    if (p.via === 'session') {
      if (!p.sessionId) return false;
      const s = await this.cachedSession(p.sessionId);
      return s !== null && s.userId === p.userId && isLiveSession(s, this.now());
    }
    if (!p.tokenId) return false;
    const token = await this.cached(this.tokenCache, p.tokenId, () => this.tokens.get(p.tokenId!));
    return token !== null && isLive(token, this.now());
  }

  /** Drops the cached user, session and token, so the next check reads them (another replica changed them). */
  forget(ids: { userId?: string; sessionId?: string; tokenId?: string }): void {
    if (ids.userId !== undefined) this.userCache.delete(ids.userId);
    if (ids.tokenId !== undefined) this.tokenCache.delete(ids.tokenId);
    // a revocation of all a user's sessions names no session: drop them all
    if (ids.sessionId !== undefined) this.sessionCache.delete(ids.sessionId);
    else if (ids.userId !== undefined) this.sessionCache.clear();
  }

  /** Drops cached lookups (tests, or after out-of-band DB changes). */
  invalidate(): void {
    this.userCache.clear();
    this.tokenCache.clear();
    this.tokenHashCache.clear();
    this.sessionCache.clear();
  }

  close(): void {
    for (const u of this.unsubscribe) u();
  }

  private revoked(): void {
    for (const l of this.revocationListeners) l();
  }

  private async fromApiToken(plaintext: string): Promise<Principal | null> {
    const token = await this.cached(this.tokenHashCache, hashApiToken(plaintext), () =>
      this.tokens.findActive(plaintext),
    );
    if (!token || !isLive(token, this.now())) return null;
    this.tokenCache.set(token.id, token);
    const user = await this.cachedUser(token.userId);
    if (!user || user.disabled) return null;
    return {
      ...principalFor(user),
      via: 'token',
      scope: token.scope,
      tokenId: token.id,
      ...(token.expiresAt !== null ? { expiresAt: token.expiresAt } : {}),
    };
  }

  private async fromSession(jwt: string): Promise<Principal | null> {
    let claims: SessionClaims | null;
    try {
      claims = (await decode({ token: jwt, secret: this.secret })) as SessionClaims | null;
    } catch {
      return null; // tampered, expired, or signed with another secret
    }
    // A cookie without a server-side session id (issued before sessions were stored) is not honoured.
    if (!claims || typeof claims.uid !== 'string' || typeof claims.sid !== 'string') return null;
    const session = await this.cachedSession(claims.sid);
    if (!session || session.userId !== claims.uid || !isLiveSession(session, this.now())) return null;
    const cookieExp = typeof claims.exp === 'number' ? claims.exp * 1000 : Infinity;
    const user = await this.cachedUser(claims.uid);
    if (!user || user.disabled) return null;
    return {
      ...principalFor(user),
      via: 'session',
      scope: 'write',
      sessionId: session.id,
      ...(session.groups.length ? { groups: session.groups } : {}),
      expiresAt: Math.min(cookieExp, session.expiresAt),
      issuedAt: session.createdAt,
    };
  }

  private cachedUser(id: string): Promise<UserRecord | null> {
    return this.cached(this.userCache, id, () => this.users.get(id));
  }

  private cachedSession(id: string): Promise<SessionRecord | null> {
    return this.cached(this.sessionCache, id, () => this.sessions.get(id));
  }

  /**
   * A cached lookup. While the database is unreachable, the last answer (if recent) is used, so
   * signed-in users keep reading from the node cache; changes still fail, as they need the audit log.
   */
  private async cached<V>(cache: TtlCache<V | null>, key: string, load: () => Promise<V | null>) {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    try {
      const value = await load();
      cache.set(key, value);
      return value;
    } catch (err) {
      const stale = isDatabaseUnavailable(err) ? cache.getStale(key, this.maxStaleMs) : undefined;
      if (stale !== undefined) return stale;
      throw err;
    }
  }
}

export function principalFor(user: UserRecord): Pick<Principal, 'userId' | 'username' | 'role' | 'clusters'> {
  return {
    userId: user.id,
    username: user.username,
    role: user.role,
    clusters: user.role === 'admin' ? 'all' : [...user.clusters],
  };
}
