import { RateLimiterPostgres, RateLimiterSQLite, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Database } from '@/lib/db';

/** One named bucket: `points` failures within `durationSeconds`, kept in the shared database. */
export interface BucketSpec {
  prefix: string;
  points: number;
  durationSeconds: number;
}

/**
 * A rate-limiter-flexible limiter on the app's own database (table `rate_limits`, created by a
 * migration), so every replica counts into the same buckets.
 */
export function storeLimiter(db: Database, spec: BucketSpec): RateLimiterAbstract {
  const common = {
    tableName: 'rate_limits',
    tableCreated: true,
    // The maintenance loop deletes expired rows for every limiter at once.
    clearExpiredByTimeout: false,
    keyPrefix: spec.prefix,
    points: spec.points,
    duration: spec.durationSeconds,
  };
  return db.raw.kind === 'postgres'
    ? new RateLimiterPostgres({ ...common, storeClient: db.raw.pool, storeType: 'pool' })
    : new RateLimiterSQLite({ ...common, storeClient: db.raw.db, storeType: 'better-sqlite3' });
}

export type RateScope = 'ip' | 'user+ip' | 'password';
export type RateDecision =
  { ok: true } | { ok: false; scope: RateScope; retryAfterMs: number; message: string };

export interface LoginLimits {
  /** failed sign-ins for one username from one address (a guesser at one account) */
  perUserIp: { points: number; durationSeconds: number };
  /** failed sign-ins from one address, any username (a password spray) */
  perIp: { points: number; durationSeconds: number };
  /** failures for one username from anywhere above which each attempt waits (never a lockout) */
  slowdownAfter: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perUserIp: { points: 5, durationSeconds: 15 * 60 },
  perIp: { points: 20, durationSeconds: 15 * 60 },
  slowdownAfter: 10,
};

const MAX_DELAY_MS = 3000;
const clip = (s: string) => s.slice(0, 120);

function minutes(ms: number): string {
  const m = Math.max(1, Math.ceil(ms / 60_000));
  return `${m} minute${m === 1 ? '' : 's'}`;
}

/**
 * Failed-sign-in limits shared by every replica. There is deliberately no per-username lockout:
 * a stranger who knows the admin's name could otherwise lock the admin out. Instead, one address
 * gets a few tries at one account (user+ip) and a few more across accounts (ip); a username under
 * attack from many addresses gets a progressive delay.
 */
export class LoginRateLimiter {
  private readonly userIp: RateLimiterAbstract;
  private readonly ip: RateLimiterAbstract;
  private readonly user: RateLimiterAbstract;

  constructor(
    db: Database,
    readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS,
  ) {
    this.userIp = storeLimiter(db, { prefix: 'login_user_ip', ...limits.perUserIp });
    this.ip = storeLimiter(db, { prefix: 'login_ip', ...limits.perIp });
    this.user = storeLimiter(db, {
      prefix: 'login_user',
      points: Number.MAX_SAFE_INTEGER,
      durationSeconds: limits.perUserIp.durationSeconds,
    });
  }

  async check(ip: string, username: string): Promise<RateDecision> {
    const [byIp, byPair] = await Promise.all([this.ip.get(clip(ip)), this.userIp.get(pairKey(ip, username))]);
    if (byIp && byIp.consumedPoints >= this.limits.perIp.points)
      return deny('ip', byIp.msBeforeNext, 'from this address');
    if (byPair && byPair.consumedPoints >= this.limits.perUserIp.points)
      return deny('user+ip', byPair.msBeforeNext, 'for this account from this address');
    return { ok: true };
  }

  /** How long to hold this attempt: grows with the username's failures from every address. */
  async delayMs(username: string): Promise<number> {
    const res = await this.user.get(clip(username.toLowerCase()));
    const over = (res?.consumedPoints ?? 0) - this.limits.slowdownAfter;
    return over <= 0 ? 0 : Math.min(MAX_DELAY_MS, 250 * 2 ** Math.min(over - 1, 4));
  }

  async recordFailure(ip: string, username: string): Promise<void> {
    await Promise.all([
      this.ip.penalty(clip(ip)),
      this.userIp.penalty(pairKey(ip, username)),
      this.user.penalty(clip(username.toLowerCase())),
    ]);
  }

  /** A success clears this address's tries at this account, not the address's overall count. */
  async recordSuccess(ip: string, username: string): Promise<void> {
    await this.userIp.delete(pairKey(ip, username));
  }
}

const pairKey = (ip: string, username: string) => clip(`${username.toLowerCase()}|${ip}`);

function deny(scope: RateScope, retryAfterMs: number, who: string): RateDecision {
  return {
    ok: false,
    scope,
    retryAfterMs: Math.max(1000, retryAfterMs),
    message: `Too many failed sign-in attempts ${who}. Try again in ${minutes(retryAfterMs)}.`,
  };
}

/** Wrong current passwords when changing one's own password: per user, like a sign-in. */
export class PasswordChangeLimiter {
  private readonly failures: RateLimiterAbstract;

  constructor(
    db: Database,
    private readonly spec = { points: 5, durationSeconds: 15 * 60 },
  ) {
    this.failures = storeLimiter(db, { prefix: 'password_change', ...spec });
  }

  async check(userId: string): Promise<RateDecision> {
    const res = await this.failures.get(userId);
    if (res && res.consumedPoints >= this.spec.points) {
      return {
        ok: false,
        scope: 'password',
        retryAfterMs: Math.max(1000, res.msBeforeNext),
        message: `Too many wrong current passwords. Try again in ${minutes(res.msBeforeNext)}.`,
      };
    }
    return { ok: true };
  }

  async recordFailure(userId: string): Promise<void> {
    await this.failures.penalty(userId);
  }
}
