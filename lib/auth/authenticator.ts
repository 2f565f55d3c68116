import { decode } from 'next-auth/jwt';
import { extractApiToken, isApiTokenFormat } from './api-token-format';
import { readSessionToken } from './cookies';
import { TtlCache } from './ttl-cache';
import type { TokenRecord, TokenService } from './token-service';
import type { AuthRequestLike, Principal } from './types';
import type { UserRecord, UserService } from './user-service';

export interface AuthenticatorOptions {
  users: UserService;
  tokens: TokenService;
  /** next-auth secret (config.nextAuthSecret) */
  secret: string;
  now?: () => number;
  /** how long a user/token lookup is trusted; capped at 60 s so revocation bites within a minute */
  cacheTtlMs?: number;
}

/** Claims this app puts into the next-auth JWT (see next-auth-options.ts). */
export interface SessionClaims {
  uid?: unknown;
  role?: unknown;
  exp?: unknown;
  /** epoch ms of the sign-in; unlike `iat`, next-auth does not refresh it when it re-issues the cookie */
  authAt?: unknown;
}

/** True when the password was changed or reset after this session signed in. */
export function sessionPredatesPassword(
  authAt: number | undefined,
  user: Pick<UserRecord, 'passwordChangedAt'>,
): boolean {
  return authAt !== undefined && user.passwordChangedAt !== null && authAt < user.passwordChangedAt;
}

/** A long-lived connection must re-authenticate when the role or grants it was admitted with change. */
function sameAccess(p: Principal, user: UserRecord): boolean {
  if (p.role !== user.role) return false;
  const now = principalFor(user).clusters;
  if (p.clusters === 'all' || now === 'all') return p.clusters === now;
  return p.clusters.length === now.length && p.clusters.every((c, i) => c === now[i]);
}

const MAX_TTL_MS = 60_000;

/**
 * Resolves a request to a Principal from an API token or a next-auth session cookie, and
 * re-checks long-lived principals (WebSocket/SSE) with stillValid(). Role and grants always
 * come from the database (cached briefly), not from the cookie, so a demotion takes effect
 * without re-login; stillValid() turns false when they change, so streams reconnect with
 * the new access.
 */
export class Authenticator {
  readonly users: UserService;
  readonly tokens: TokenService;
  private readonly secret: string;
  private readonly now: () => number;
  private readonly userCache: TtlCache<UserRecord | null>;
  private readonly tokenCache: TtlCache<TokenRecord | null>;
  private readonly unsubscribe: Array<() => void>;

  constructor(opts: AuthenticatorOptions) {
    this.users = opts.users;
    this.tokens = opts.tokens;
    this.secret = opts.secret;
    this.now = opts.now ?? Date.now;
    const ttl = Math.min(opts.cacheTtlMs ?? 30_000, MAX_TTL_MS);
    this.userCache = new TtlCache(ttl, this.now);
    this.tokenCache = new TtlCache(ttl, this.now);
    // Same-process changes apply at once; the TTL only matters for other instances sharing the DB.
    this.unsubscribe = [
      this.users.onChange((c) => this.userCache.delete(c.userId)),
      this.tokens.onChange((c) => this.tokenCache.delete(c.tokenId)),
    ];
  }

  async authenticate(req: AuthRequestLike): Promise<Principal | null> {
    const apiToken = extractApiToken(req);
    // A presented but bad token is a failure; it must not fall back to the cookie.
    if (apiToken !== null) return isApiTokenFormat(apiToken) ? this.fromApiToken(apiToken) : null;
    const session = readSessionToken(req.headers.get('cookie'));
    return session ? this.fromSession(session) : null;
  }

  /** False once the user is disabled or deleted, the token revoked, or the session/token expired. */
  async stillValid(p: Principal): Promise<boolean> {
    if (p.expiresAt !== undefined && p.expiresAt <= this.now()) return false;
    const user = await this.cachedUser(p.userId);
    if (!user || user.disabled || !sameAccess(p, user)) return false;
    if (p.via === 'session' && sessionPredatesPassword(p.issuedAt, user)) return false;
    if (p.via === 'token') {
      if (!p.tokenId) return false;
      const token = await this.cachedToken(p.tokenId);
      if (!token || token.revokedAt !== null || (token.expiresAt !== null && token.expiresAt <= this.now()))
        return false;
    }
    return true;
  }

  /** Drops the cached user and token, so the next check reads them (another replica changed them). */
  forget(ids: { userId?: string; tokenId?: string }): void {
    if (ids.userId !== undefined) this.userCache.delete(ids.userId);
    if (ids.tokenId !== undefined) this.tokenCache.delete(ids.tokenId);
  }

  /** Drops cached lookups (tests, or after out-of-band DB changes). */
  invalidate(): void {
    this.userCache.clear();
    this.tokenCache.clear();
  }

  close(): void {
    for (const u of this.unsubscribe) u();
  }

  private async fromApiToken(plaintext: string): Promise<Principal | null> {
    const token = await this.tokens.findActive(plaintext);
    if (!token) return null;
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
    if (!claims || typeof claims.uid !== 'string') return null;
    const expiresAt = typeof claims.exp === 'number' ? claims.exp * 1000 : undefined;
    if (expiresAt !== undefined && expiresAt <= this.now()) return null;
    const issuedAt = typeof claims.authAt === 'number' ? claims.authAt : undefined;
    const user = await this.cachedUser(claims.uid);
    if (!user || user.disabled) return null;
    // A password change or reset signs out every session issued before it.
    if (sessionPredatesPassword(issuedAt, user)) return null;
    return {
      ...principalFor(user),
      via: 'session',
      scope: 'write',
      ...(expiresAt !== undefined ? { expiresAt } : {}),
      ...(issuedAt !== undefined ? { issuedAt } : {}),
    };
  }

  private async cachedUser(id: string): Promise<UserRecord | null> {
    const hit = this.userCache.get(id);
    if (hit !== undefined) return hit;
    const user = await this.users.get(id);
    this.userCache.set(id, user);
    return user;
  }

  private async cachedToken(id: string): Promise<TokenRecord | null> {
    const hit = this.tokenCache.get(id);
    if (hit !== undefined) return hit;
    const token = await this.tokens.get(id);
    this.tokenCache.set(id, token);
    return token;
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
