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
  private discovery?: Promise<{ token_endpoint?: unknown; end_session_endpoint?: unknown }>;
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
    const endpoint = (await this.discover()).token_endpoint;
    if (typeof endpoint !== 'string') throw new Error('the provider names no token_endpoint');
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

  /**
   * RP-initiated logout: where to send the browser so the provider's session ends too, or null (no
   * single sign-on tokens for this session, or the provider has no end_session_endpoint).
   */
  async endSessionUrl(sessionId: string, postLogoutRedirectUri: string): Promise<string | null> {
    const sealed = await this.opts.sessions.oidcTokens(sessionId);
    if (!sealed || !this.opts.client) return null;
    const { idToken } = JSON.parse(decryptSecret(sealed, this.opts.key, `oidc:${sessionId}`)) as OidcTokenSet;
    const endpoint = (await this.discover()).end_session_endpoint;
    if (typeof endpoint !== 'string') return null;
    const url = new URL(endpoint);
    url.searchParams.set('id_token_hint', idToken);
    url.searchParams.set('post_logout_redirect_uri', postLogoutRedirectUri);
    url.searchParams.set('client_id', this.opts.client.clientId);
    return url.toString();
  }

  /** The provider's discovery document, fetched once (again after a failure). */
  private discover(): Promise<{ token_endpoint?: unknown; end_session_endpoint?: unknown }> {
    const issuer = this.opts.client!.issuer.replace(/\/+$/, '');
    return (this.discovery ??= fetch(`${issuer}/.well-known/openid-configuration`, {
      signal: AbortSignal.timeout(10_000),
    })
      .then((res) => {
        if (!res.ok) throw new Error(`OIDC discovery answered ${res.status}`);
        return res.json() as Promise<{ token_endpoint?: unknown; end_session_endpoint?: unknown }>;
      })
      .catch((err: unknown) => {
        this.discovery = undefined;
        throw err;
      }));
  }
}
