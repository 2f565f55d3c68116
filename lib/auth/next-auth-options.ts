import type { Account, NextAuthOptions, User } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import type { OAuthConfig } from 'next-auth/providers/oauth';
import { clientIp, userAgent } from '@/lib/http/request-meta';
import { getAppContext, type AppContext } from '@/lib/server/app-context';
import { sameOriginUrl } from '@/lib/shared/same-origin';
import { idTokenExpiry } from '@/lib/identity/oidc-tokens';
import { roleFromGroups, usernameFromClaims } from './oidc';
import { oidcGroups } from './oidc-groups';
import { isLiveSession } from './session-service';
import type { Role } from './types';

export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

type Claims = Record<string, unknown>;
type HeaderBag = Record<string, string | string[] | undefined> | undefined;
/** What authorize() hands to the jwt callback: who, and where the sign-in came from. */
type SignedInUser = User & { role?: Role; ip?: string; ua?: string | null };

function headerGetter(headers: HeaderBag): { get(name: string): string | null } {
  return {
    get(name) {
      const v = headers?.[name.toLowerCase()];
      return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
    },
  };
}

function oidcProvider(oidc: NonNullable<AppContext['config']['oidc']>): OAuthConfig<Claims> {
  return {
    id: 'oidc',
    name: 'Single sign-on',
    type: 'oauth',
    wellKnown: `${oidc.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`,
    clientId: oidc.clientId,
    clientSecret: oidc.clientSecret,
    authorization: { params: { scope: oidc.scopes } },
    idToken: true,
    checks: ['pkce', 'state'],
    profile(claims) {
      return {
        id: String(claims.sub),
        name: usernameFromClaims(claims) ?? String(claims.sub),
        email: (claims.email as string) ?? null,
      };
    },
  };
}

/** next-auth configuration built from the running app's services. */
export function buildAuthOptions(ctx: AppContext): NextAuthOptions {
  // next-auth derives its callback and redirect URLs from this variable, not from its options.
  process.env.NEXTAUTH_URL ??= ctx.config.nextAuthUrl;
  const login = ctx.login;
  const users = ctx.auth.users;
  const sessions = ctx.auth.sessions;
  const newSession = (uid: string, u?: SignedInUser, groups?: string[]) =>
    sessions.create(uid, { ttlMs: SESSION_MAX_AGE_SECONDS * 1000, ip: u?.ip, userAgent: u?.ua, groups });
  // signIn and jwt see the same account object: the groups are read (maybe from userinfo) once
  const groupsOf = async (account: Account, claims: Claims): Promise<string[]> => {
    const stash = account as Account & { knmGroups?: string[] };
    stash.knmGroups ??= await oidcGroups(claims, {
      claim: oidc!.groupsClaim,
      issuer: oidc!.issuer,
      accessToken: account.access_token,
    });
    return stash.knmGroups;
  };
  const oidc = ctx.config.oidc;
  const providers: NextAuthOptions['providers'] = [
    CredentialsProvider({
      id: 'credentials',
      name: 'Username and password',
      credentials: {
        username: { label: 'Username', type: 'text' },
        password: { label: 'Password', type: 'password' },
      },
      async authorize(credentials, req) {
        const headers = headerGetter(req?.headers as HeaderBag);
        const ip = clientIp(headers, ctx.config.trustedProxies);
        const ua = userAgent(headers);
        try {
          const user = await login.login({
            username: credentials?.username ?? '',
            password: credentials?.password ?? '',
            ip,
            userAgent: ua,
          });
          return { id: user.id, name: user.username, role: user.role, ip, ua } as SignedInUser;
        } catch (err) {
          // By name, not instanceof: the LoginService was built by server.ts's copy of these modules.
          const e = err as { name?: unknown; code?: unknown; message?: unknown };
          if (e.name !== 'LoginError') throw err;
          if (e.code === 'invalid_credentials') return null;
          // next-auth passes this message to the sign-in page as ?error=… (rate limit, disabled).
          throw new Error(String(e.message));
        }
      },
    }),
  ];
  if (oidc) providers.push(oidcProvider(oidc));

  return {
    secret: ctx.config.nextAuthSecret,
    useSecureCookies: ctx.config.nextAuthUrl.startsWith('https://'),
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE_SECONDS },
    // next-auth v4 does not derive the JWT's own exp from session.maxAge; without this it is 30 days.
    jwt: { maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: '/login', error: '/login' },
    providers,
    events: {
      // Sign-out ends the server-side session, so a copy of the cookie stops working everywhere.
      async signOut({ token }) {
        const sid = typeof token?.sid === 'string' ? token.sid : null;
        if (!sid) return;
        await sessions.revoke(sid, 'sign-out');
        await ctx.audit.record({
          user: typeof token.uid === 'string' ? { id: token.uid, username: String(token.name ?? '') } : null,
          action: 'auth.logout',
          target: typeof token.name === 'string' ? token.name : null,
          result: 'success',
        });
      },
    },
    callbacks: {
      // Only same-origin targets: `/\t/evil.host` or an absolute foreign URL falls back to the app.
      redirect({ url, baseUrl }) {
        return sameOriginUrl(url, baseUrl) ?? baseUrl;
      },
      async signIn({ account, profile }) {
        if (account?.provider !== 'oidc' || !oidc) return true;
        const claims = (profile ?? {}) as Claims;
        const username = usernameFromClaims(claims);
        if (!username) return false;
        const groups = await groupsOf(account, claims);
        const role = roleFromGroups(groups, oidc);
        try {
          const user = await users.upsertOidcUser(username, role);
          const ok = !user.disabled;
          await ctx.audit.record({
            user: { id: user.id, username },
            action: 'auth.login',
            target: username,
            parameters: { method: 'oidc', role, groups },
            result: ok ? 'success' : 'failure',
            error: ok ? null : 'account disabled',
          });
          return ok;
        } catch (err) {
          await ctx.audit.record({
            user: { id: null, username },
            action: 'auth.login',
            target: username,
            parameters: { method: 'oidc' },
            result: 'failure',
            error: (err as Error).message,
          });
          return false;
        }
      },
      async jwt({ token, user, account, profile }) {
        if (account?.provider === 'oidc') {
          const username = usernameFromClaims((profile ?? {}) as Claims);
          const dbUser = username ? await users.findByUsername(username) : null;
          if (!dbUser) throw new Error('single sign-on user was not provisioned');
          const s = await newSession(
            dbUser.id,
            undefined,
            await groupsOf(account, (profile ?? {}) as Claims),
          );
          // kept for clusters in oidc-token mode (sealed in the session row, refreshed when they expire)
          if (account.id_token)
            await ctx.oidcTokens.store(s.id, {
              idToken: account.id_token,
              refreshToken: account.refresh_token,
              expiresAt: idTokenExpiry(account.id_token),
            });
          return { ...token, uid: dbUser.id, role: dbUser.role, name: dbUser.username, sid: s.id };
        }
        if (user) {
          const s = await newSession(user.id, user);
          return { ...token, uid: user.id, role: (user as SignedInUser).role, sid: s.id };
        }
        // Every later session read re-issues the cookie; refuse (next-auth then clears it) when
        // the account is gone or disabled, or the server-side session was revoked or expired.
        const current = typeof token.uid === 'string' ? await users.get(token.uid) : null;
        const session = typeof token.sid === 'string' ? await sessions.get(token.sid) : null;
        if (!current || current.disabled || !session || !isLiveSession(session, Date.now()))
          throw new Error('session is no longer valid');
        return { ...token, role: current.role };
      },
      session({ session, token }) {
        return { ...session, user: { ...session.user, id: token.uid as string, role: token.role as Role } };
      },
    },
    logger: {
      error: (code, metadata) =>
        ctx.logger.warn({ code, err: metadata instanceof Error ? metadata : undefined }, 'next-auth error'),
      warn: (code) => ctx.logger.warn({ code }, 'next-auth warning'),
      debug: () => undefined,
    },
  };
}

const cache = new WeakMap<AppContext, NextAuthOptions>();

/** Options for the current app context, built once per context. */
export function getAuthOptions(): NextAuthOptions {
  const ctx = getAppContext();
  let opts = cache.get(ctx);
  if (!opts) {
    opts = buildAuthOptions(ctx);
    cache.set(ctx, opts);
  }
  return opts;
}

/**
 * `authOptions` for getServerSession(authOptions) and friends: a lazy view, because the app
 * context exists only after server.ts has started (and not at build time).
 */
export const authOptions: NextAuthOptions = new Proxy({} as NextAuthOptions, {
  get: (_t, prop) => Reflect.get(getAuthOptions(), prop) as unknown,
  has: (_t, prop) => Reflect.has(getAuthOptions(), prop),
  ownKeys: () => Reflect.ownKeys(getAuthOptions()),
  getOwnPropertyDescriptor: (_t, prop) => {
    const d = Reflect.getOwnPropertyDescriptor(getAuthOptions(), prop);
    return d ? { ...d, configurable: true } : undefined;
  },
});
