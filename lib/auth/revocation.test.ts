import { describe, expect, it } from 'vitest';
import type { Principal } from './types';
import { matchesRevocation } from './revocation';

const p = (o: Partial<Principal>): Principal => ({
  userId: 'u1',
  username: 'alice',
  role: 'viewer',
  via: 'session',
  scope: 'write',
  clusters: [],
  ...o,
});

describe('matchesRevocation', () => {
  it('matches by user, session or token, and nothing else', () => {
    expect(matchesRevocation(p({}), { userId: 'u1' })).toBe(true);
    expect(matchesRevocation(p({}), { userId: 'u2' })).toBe(false);
    expect(matchesRevocation(p({ sessionId: 's1' }), { sessionId: 's1' })).toBe(true);
    expect(matchesRevocation(p({ sessionId: 's1' }), { sessionId: 's2' })).toBe(false);
    expect(matchesRevocation(p({}), { sessionId: 's1' })).toBe(false);
    expect(matchesRevocation(p({ via: 'token', tokenId: 't1' }), { tokenId: 't1' })).toBe(true);
    expect(matchesRevocation(p({ via: 'token', tokenId: 't1' }), { userId: 'u9', tokenId: 't2' })).toBe(
      false,
    );
    expect(matchesRevocation(p({}), {})).toBe(false);
  });
});
