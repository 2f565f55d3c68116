import { encode } from 'next-auth/jwt';
import type { SessionService } from './session-service';

/**
 * Test support (not imported by app code): a session cookie as next-auth issues it after a sign-in,
 * backed by a real server-side session row.
 */
export async function sessionCookie(
  sessions: SessionService,
  userId: string,
  secret: string,
  opts: { ttlMs?: number } = {},
): Promise<{ cookie: string; jwt: string; sid: string }> {
  const s = await sessions.create(userId, { ttlMs: opts.ttlMs ?? 3_600_000 });
  const jwt = await encode({ token: { uid: userId, sid: s.id, name: 'x' }, secret, maxAge: 3600 });
  return { cookie: `next-auth.session-token=${jwt}`, jwt, sid: s.id };
}
