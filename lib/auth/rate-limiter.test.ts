import { describe, expect, it } from 'vitest';
import { LoginRateLimiter } from './rate-limiter';

function setup(opts: { maxUser?: number; maxIp?: number; maxKeys?: number } = {}) {
  let t = 1_000_000;
  const limiter = new LoginRateLimiter({
    now: () => t,
    windowMs: 60_000,
    maxFailuresPerUser: opts.maxUser ?? 3,
    maxFailuresPerIp: opts.maxIp ?? 5,
    maxKeys: opts.maxKeys,
  });
  return { limiter, advance: (ms: number) => (t += ms) };
}

describe('LoginRateLimiter', () => {
  it('blocks a username after N failures with a clear message and retry time', () => {
    const { limiter, advance } = setup();
    for (let i = 0; i < 3; i++) {
      expect(limiter.check('1.1.1.1', 'alice').ok).toBe(true);
      limiter.recordFailure('1.1.1.1', 'alice');
      advance(1000);
    }
    const d = limiter.check('2.2.2.2', 'ALICE');
    expect(d.ok).toBe(false);
    if (d.ok) return;
    expect(d.scope).toBe('user');
    expect(d.retryAfterMs).toBe(60_000 - 3000);
    expect(d.message).toMatch(/Too many failed sign-in attempts for this account\. Try again in 1 minute\./);
    expect(limiter.check('1.1.1.1', 'bob').ok).toBe(true);
  });

  it('unblocks once the oldest failure leaves the window (sliding)', () => {
    const { limiter, advance } = setup();
    for (let i = 0; i < 3; i++) {
      limiter.recordFailure('ip', 'u');
      advance(10_000);
    }
    expect(limiter.check('ip', 'u').ok).toBe(false);
    advance(30_000); // first failure now exactly 60 s old
    expect(limiter.check('ip', 'u').ok).toBe(true);
  });

  it('blocks an IP spraying many usernames', () => {
    const { limiter } = setup();
    for (let i = 0; i < 5; i++) limiter.recordFailure('9.9.9.9', `user${i}`);
    const d = limiter.check('9.9.9.9', 'fresh-user');
    expect(d.ok).toBe(false);
    expect(!d.ok && d.scope).toBe('ip');
    expect(!d.ok && d.message).toMatch(/from this address/);
    expect(limiter.check('8.8.8.8', 'fresh-user').ok).toBe(true);
  });

  it('success clears the user counter but not the IP counter', () => {
    const { limiter } = setup({ maxIp: 4 });
    limiter.recordFailure('ip', 'u');
    limiter.recordFailure('ip', 'u');
    limiter.recordSuccess('ip', 'u');
    limiter.recordFailure('ip', 'u');
    limiter.recordFailure('ip', 'u');
    expect(limiter.check('ip', 'other').ok).toBe(false);
    expect(limiter.check('ip2', 'u').ok).toBe(true);
  });

  it('keeps memory bounded', () => {
    const { limiter } = setup({ maxKeys: 10 });
    for (let i = 0; i < 100; i++) limiter.recordFailure(`ip${i}`, `u${i}`);
    expect(limiter.size).toBeLessThanOrEqual(10);
  });
});
