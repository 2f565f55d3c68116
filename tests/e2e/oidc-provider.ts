import { createServer, type Server } from 'node:http';
import Provider, { type Configuration } from 'oidc-provider';

export interface TestAccount {
  groups: string[];
}

export interface TestProvider {
  issuer: string;
  accounts: Map<string, TestAccount>;
  /** refresh_token grants answered (successes) and refused */
  refreshes: { ok: number; refused: number };
  /** ID tokens issued so far, newest last */
  idTokens: string[];
  close(): Promise<void>;
}

/**
 * The real `oidc-provider` as an OpenID Provider on loopback (its development login and consent
 * pages; any password). `groups: 'id-token'` puts the groups claim in every ID token;
 * `groups: 'scope'` releases it, like Dex, only for the `groups` scope and only from userinfo.
 */
export async function startOidcProvider(opts: {
  port: number;
  redirectUri: string;
  postLogoutRedirectUri: string;
  groups: 'id-token' | 'scope';
  idTokenTtlSeconds?: number;
}): Promise<TestProvider> {
  const issuer = `http://127.0.0.1:${opts.port}`;
  const accounts = new Map<string, TestAccount>();
  const config: Configuration = {
    clients: [
      {
        client_id: 'knm',
        client_secret: 'knm-client-secret',
        redirect_uris: [opts.redirectUri],
        post_logout_redirect_uris: [opts.postLogoutRedirectUri],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    claims:
      opts.groups === 'id-token'
        ? { openid: ['sub', 'groups'], profile: ['preferred_username', 'name'], email: ['email'] }
        : { openid: ['sub'], profile: ['preferred_username', 'name'], email: ['email'], groups: ['groups'] },
    // id-token: every claim the scopes grant goes into the ID token; scope: only into userinfo
    conformIdTokenClaims: opts.groups === 'scope',
    scopes: ['openid', 'offline_access', 'profile', 'email', ...(opts.groups === 'scope' ? ['groups'] : [])],
    findAccount: (_ctx, sub) => {
      const a = accounts.get(sub);
      if (!a) return undefined;
      return {
        accountId: sub,
        claims: () => ({
          sub,
          preferred_username: sub,
          name: sub,
          email: `${sub}@example.test`,
          groups: a.groups,
        }),
      };
    },
    // a refresh token for every code exchange (not only with offline_access), rotated on every use
    issueRefreshToken: (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    rotateRefreshToken: true,
    ttl: {
      IdToken: opts.idTokenTtlSeconds ?? 3600,
      AccessToken: 3600,
      RefreshToken: 86_400,
      Interaction: 600,
      Session: 86_400,
      Grant: 86_400,
    },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
    cookies: { keys: ['oidc-test-cookie-key'] },
    pkce: { required: () => true },
  };
  const provider = new Provider(issuer, config);
  const refreshes = { ok: 0, refused: 0 };
  const idTokens: string[] = [];
  provider.on('grant.success', (ctx) => {
    if (ctx.oidc.params?.grant_type === 'refresh_token') refreshes.ok++;
    const body = ctx.body as { id_token?: string } | undefined;
    if (body?.id_token) idTokens.push(body.id_token);
  });
  provider.on('grant.error', (ctx) => {
    if (ctx.oidc.params?.grant_type === 'refresh_token') refreshes.refused++;
  });
  const handle = provider.callback();
  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(opts.port, '127.0.0.1', resolve));
  return {
    issuer,
    accounts,
    refreshes,
    idTokens,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
