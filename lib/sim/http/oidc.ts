import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import type { Subject } from '../rbac/authorizer';

/** kube-apiserver's --oidc-* flags, reduced to what the simulator needs. */
export interface SimOidcOptions {
  /** --oidc-issuer-url: the `iss` every accepted token carries */
  issuerUrl: string;
  /** --oidc-client-id: the audience every accepted token carries */
  clientId: string;
  /** --oidc-username-claim (default `sub`) */
  usernameClaim?: string;
  /** --oidc-username-prefix (default none) */
  usernamePrefix?: string;
  /** --oidc-groups-claim (default `groups`) */
  groupsClaim?: string;
  /** the issuer's keys; when absent they are discovered through /.well-known/openid-configuration */
  jwks?: JSONWebKeySet;
}

export type OidcVerifier = (token: string) => Promise<Subject | undefined>;

const looksLikeJwt = (t: string) => /^[\w-]+\.[\w-]+\.[\w-]*$/.test(t);

/** ID tokens from a trusted issuer: signature, iss, aud and exp checked as kube-apiserver does. */
export function oidcVerifier(opts: SimOidcOptions): OidcVerifier {
  let keys: ReturnType<typeof createLocalJWKSet> | undefined = opts.jwks
    ? createLocalJWKSet(opts.jwks)
    : undefined;
  const keySet = async () => {
    if (keys) return keys;
    const res = await fetch(`${opts.issuerUrl.replace(/\/+$/, '')}/.well-known/openid-configuration`);
    if (!res.ok) throw new Error(`OIDC discovery answered ${res.status}`);
    const doc = (await res.json()) as { jwks_uri?: string };
    if (!doc.jwks_uri) throw new Error('OIDC discovery has no jwks_uri');
    keys = createRemoteJWKSet(new URL(doc.jwks_uri)) as unknown as ReturnType<typeof createLocalJWKSet>;
    return keys;
  };
  const userClaim = opts.usernameClaim ?? 'sub';
  const groupsClaim = opts.groupsClaim ?? 'groups';
  return async (token) => {
    if (!looksLikeJwt(token)) return undefined;
    try {
      const { payload } = await jwtVerify(token, await keySet(), {
        issuer: opts.issuerUrl,
        audience: opts.clientId,
      });
      const user = payload[userClaim];
      if (typeof user !== 'string' || !user) return undefined;
      const raw = payload[groupsClaim];
      const groups = Array.isArray(raw) ? raw.filter((g): g is string => typeof g === 'string') : [];
      return { user: `${opts.usernamePrefix ?? ''}${user}`, groups: [...groups, 'system:authenticated'] };
    } catch {
      // expired, wrong issuer/audience, bad signature: 401 like kube-apiserver
      return undefined;
    }
  };
}
