import type { Principal } from './types';

export interface RevocationTarget {
  userId?: string;
  sessionId?: string;
  tokenId?: string;
}

/**
 * Whether a connected principal is one a revocation names: every connection of the user, of the
 * session, or of the token. Matching only selects whom to re-check; stillValid() decides who is closed,
 * so a broad match (a user whose role changed) never closes a connection that is still allowed.
 */
export function matchesRevocation(p: Principal, t: RevocationTarget): boolean {
  return (
    (t.userId !== undefined && p.userId === t.userId) ||
    (t.sessionId !== undefined && p.sessionId === t.sessionId) ||
    (t.tokenId !== undefined && p.tokenId === t.tokenId)
  );
}
