import { decodeJwt } from 'jose';
import type { SessionService } from '@/lib/auth/session-service';
import { decryptSecret, encryptSecret } from '@/lib/crypto/secret-box';
import { IdentityError } from './identity-service';

export interface OidcTokenSet {
  idToken: string;
  refreshToken?: string;
  /** epoch ms the ID token expires */
  expiresAt: number;
}

export interface OidcClient {
  issuer: string;
  clientId: string;
  clientSecret: string;
}

/** Refresh this long before the ID token's exp, so a request in flight never carries an expired one. */
const REFRESH_EARLY_MS = 30_000;

export const idTokenExpiry = (idToken: string): number => {
  const exp = decodeJwt(idToken).exp;
  return typeof exp === 'number' ? exp * 1000 : 0;
};

/**
 * The OIDC tokens of each single sign-on session, sealed in its row (AES-256-GCM bound to the
 * session id), for clusters in oidc-token mode. An ID token about to expire is refreshed with the
 * refresh token (rotated when the provider rotates it); a refused refresh ends the session.
 */
export class OidcTokens {
  private readonly inflight = new Map<string, Promise<string>>();
  private tokenEndpoint?: Promise<string>;
  private readonly now: () => number;

  constructor(
    private readonly opts: {
      sessions: SessionService;
      key: Buffer;
      client?: OidcClient;
      now?: () => number;
    },
  ) {
    this.now = opts.now ?? Date.now;
  }

  async store(sessionId: string, tokens: OidcTokenSet): Promise<void> {
    await this.opts.sessions.setOidcTokens(
      sessionId,
      encryptSecret(JSON.stringify(tokens), this.opts.key, `oidc:${sessionId}`),
    );
  }

  /** The session's ID token, refreshed first when it expires within 30 s; one refresh per session at a time. */
  idToken(sessionId: string): Promise<string> {
    let p = this.inflight.get(sessionId);
    if (!p) {
      p = this.current(sessionId).finally(() => this.inflight.delete(sessionId));
      this.inflight.set(sessionId, p);
    }
    return p;
  }

  private async current(sessionId: string): Promise<string> {
    const sealed = await this.opts.sessions.oidcTokens(sessionId);
    if (!sealed)
      throw new IdentityError('this session has no single sign-on token: sign in with single sign-on');
    const tokens = JSON.parse(decryptSecret(sealed, this.opts.key, `oidc:${sessionId}`)) as OidcTokenSet;
    if (tokens.expiresAt - REFRESH_EARLY_MS > this.now()) return tokens.idToken;
    if (!tokens.refreshToken || !this.opts.client)
      throw new IdentityError('the single sign-on token expired and cannot be refreshed: sign in again');
    const fresh = await this.refresh(tokens.refreshToken).catch(async (err: unknown) => {
      await this.opts.sessions.revoke(sessionId, 'provider');
      throw new IdentityError(
        `the identity provider refused to refresh the session (${(err as Error).message}): sign in again`,
      );
    });
    await this.store(sessionId, fresh);
    return fresh.idToken;
  }

  private async refresh(refreshToken: string): Promise<OidcTokenSet> {
    const client = this.opts.client!;
    const endpoint = await (this.tokenEndpoint ??= this.discover(client).catch((err: unknown) => {
      this.tokenEndpoint = undefined;
      throw err;
    }));
    const res = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`,
      },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (!res.ok || typeof body.id_token !== 'string')
      throw new Error(typeof body.error === 'string' ? body.error : `token endpoint answered ${res.status}`);
    return {
      idToken: body.id_token,
      // providers that rotate refresh tokens send a new one; others keep the old one valid
      refreshToken: typeof body.refresh_token === 'string' ? body.refresh_token : refreshToken,
      expiresAt: idTokenExpiry(body.id_token),
    };
  }

  private async discover(client: OidcClient): Promise<string> {
    const res = await fetch(`${client.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(10_000),
    });
    const doc = (await res.json()) as { token_endpoint?: unknown };
    if (typeof doc.token_endpoint !== 'string') throw new Error('the provider names no token_endpoint');
    return doc.token_endpoint;
  }
}
