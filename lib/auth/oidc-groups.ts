import { groupsFromClaims } from './oidc';

/**
 * The user's groups: from the ID token when it carries the claim, else from the userinfo endpoint
 * (providers such as Dex or Keycloak may put groups only there, or only for a `groups` scope).
 */
export async function oidcGroups(
  claims: Record<string, unknown>,
  opts: { claim: string; issuer: string; accessToken?: string },
): Promise<string[]> {
  if (claims[opts.claim] !== undefined) return groupsFromClaims(claims, opts.claim);
  if (!opts.accessToken) return [];
  try {
    const doc = (await (
      await fetch(`${opts.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`, {
        signal: AbortSignal.timeout(10_000),
      })
    ).json()) as { userinfo_endpoint?: unknown };
    if (typeof doc.userinfo_endpoint !== 'string') return [];
    const res = await fetch(doc.userinfo_endpoint, {
      headers: { Authorization: `Bearer ${opts.accessToken}` },
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) return [];
    return groupsFromClaims((await res.json()) as Record<string, unknown>, opts.claim);
  } catch {
    // no groups is the safe reading: the user becomes a viewer with only the role's group
    return [];
  }
}
