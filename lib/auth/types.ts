import type { z } from 'zod';
import type { authViaSchema, Role, TokenScope } from '@/lib/protocol/names';

export type { Role };

/** Who is calling, resolved from a next-auth session cookie or an API token. */
export interface Principal {
  userId: string;
  username: string;
  role: Role;
  via: z.infer<typeof authViaSchema>;
  /** API tokens are scoped; sessions always carry 'write' (the role still limits them). */
  scope: TokenScope;
  /** 'all' for admins; otherwise the clusters granted to the user. */
  clusters: 'all' | string[];
  /** epoch ms when the session or token expires, if it does */
  expiresAt?: number;
  /** set when via === 'token': lets stillValid() notice a revocation */
  tokenId?: string;
  /** epoch ms the session signed in (via === 'session') */
  issuedAt?: number;
  /** set when via === 'session': the server-side session (jti) a sign-out or password change revokes */
  sessionId?: string;
  /** the identity provider's groups (OIDC sessions); impersonated beside the app role's group */
  groups?: string[];
}

/** Minimal request shape shared by route handlers (Request) and the upgrade handler (IncomingMessage). */
export interface AuthRequestLike {
  headers: { get(name: string): string | null };
  url: string;
}
