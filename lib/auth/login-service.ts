import type { AuditLog } from '@/lib/audit/audit-log';
import { metrics } from '@/lib/metrics/hooks';
import { LoginError } from './errors';
import type { LoginRefusals } from './login-refusals';
import { PASSWORD_MAX } from './passwords';
import type { LoginRateLimiter } from './rate-limiter';
import type { UserRecord, UserService } from './user-service';

export interface LoginAttempt {
  username: string;
  password: string;
  ip: string;
  userAgent?: string | null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Password sign-in with shared (database) limits. Every attempt that reaches password
 * verification is audited as `auth.login`; attempts refused by the limiter are counted and
 * audited as one row per window (LoginRefusals).
 */
export class LoginService {
  constructor(
    private readonly users: UserService,
    private readonly limiter: LoginRateLimiter,
    private readonly audit: AuditLog,
    private readonly refusals: LoginRefusals,
  ) {}

  async login(attempt: LoginAttempt): Promise<UserRecord> {
    const username = attempt.username.trim().slice(0, 64);
    const base = {
      action: 'auth.login',
      target: username,
      ip: attempt.ip,
      userAgent: attempt.userAgent ?? null,
    };
    const decision = await this.limiter.check(attempt.ip, username);
    if (!decision.ok) {
      metrics().loginRateLimited(decision.scope);
      await this.refusals.count(decision.scope, username, attempt.ip);
      throw new LoginError('rate_limited', decision.message, Math.ceil(decision.retryAfterMs / 1000));
    }
    const delay = await this.limiter.delayMs(username);
    if (delay > 0) await sleep(delay);
    const user =
      username && attempt.password.length <= PASSWORD_MAX
        ? await this.users.verifyCredentials(username, attempt.password)
        : null;
    if (!user) {
      await this.limiter.recordFailure(attempt.ip, username);
      await this.audit.record({
        ...base,
        user: { id: null, username },
        result: 'failure',
        error: 'invalid credentials',
      });
      throw new LoginError('invalid_credentials', 'Invalid username or password.');
    }
    if (user.disabled) {
      await this.limiter.recordFailure(attempt.ip, username);
      await this.audit.record({
        ...base,
        user: { id: user.id, username: user.username },
        result: 'failure',
        error: 'account disabled',
      });
      throw new LoginError(
        'account_disabled',
        'This account is disabled. Ask an administrator to re-enable it.',
      );
    }
    await this.limiter.recordSuccess(attempt.ip, username);
    await this.audit.record({ ...base, user: { id: user.id, username: user.username }, result: 'success' });
    return user;
  }
}
