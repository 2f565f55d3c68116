import type { NextAuthOptions, User } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import type { OAuthConfig } from 'next-auth/providers/oauth';
import { clientIp, userAgent } from '@/lib/http/request-meta';
import { getAppContext, type AppContext } from '@/lib/server/app-context';
import { sessionPredatesPassword } from './authenticator';
import { LoginError } from './errors';
import { LoginService } from './login-service';
import { groupsFromClaims, roleFromGroups, usernameFromClaims } from './oidc';
import { LoginRateLimiter } from './rate-limiter';
import type { Role } from './types';

export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

type Claims = Record<string, unknown>;
type HeaderBag = Record<string, string | string[] | undefined> | undefined;

// Route bundles and server.ts load separate copies of this module, so per-process state
// (the limiter's counters) hangs off the shared AppContext, not a module variable.
const LOGIN_KEY = Symbol.for('kube-node-manager.login-service');
type WithLogin = AppContext & { [LOGIN_KEY]?: LoginService };

export function loginServiceFor(ctx: AppContext): LoginService {
  const c = ctx as WithLogin;
  c[LOGIN_KEY] ??= new LoginService(ctx.auth.users, new LoginRateLimiter(), ctx.audit);
  return c[LOGIN_KEY];
}

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
    authorization: { params: { scope: 'openid profile email' } },
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
  const login = loginServiceFor(ctx);
  const users = ctx.auth.users;
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
        try {
          const user = await login.login({
            username: credentials?.username ?? '',
            password: credentials?.password ?? '',
            ip: clientIp(headers),
            userAgent: userAgent(headers),
          });
          return { id: user.id, name: user.username, role: user.role } as User;
        } catch (err) {
          if (err instanceof LoginError && err.code === 'invalid_credentials') return null;
          // next-auth passes this message to the sign-in page as ?error=… (rate limit, disabled).
          if (err instanceof LoginError) throw new Error(err.message);
          throw err;
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
    callbacks: {
      async signIn({ account, profile }) {
        if (account?.provider !== 'oidc' || !oidc) return true;
        const claims = (profile ?? {}) as Claims;
        const username = usernameFromClaims(claims);
        if (!username) return false;
        const role = roleFromGroups(groupsFromClaims(claims, oidc.groupsClaim), oidc);
        try {
          const user = await users.upsertOidcUser(username, role);
          const ok = !user.disabled;
          await ctx.audit.record({
            user: { id: user.id, username },
            action: 'auth.login',
            target: username,
            parameters: { method: 'oidc', role },
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
          return { ...token, uid: dbUser.id, role: dbUser.role, name: dbUser.username, authAt: Date.now() };
        }
        if (user)
          return { ...token, uid: user.id, role: (user as User & { role?: Role }).role, authAt: Date.now() };
        // Every later session read re-issues the cookie; refuse (next-auth then clears it) when
        // the account is gone, disabled, or its password changed after this sign-in.
        const current = typeof token.uid === 'string' ? await users.get(token.uid) : null;
        const authAt = typeof token.authAt === 'number' ? token.authAt : undefined;
        if (!current || current.disabled || sessionPredatesPassword(authAt, current))
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
