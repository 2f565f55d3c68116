import type { AuditLog } from '@/lib/audit/audit-log';
import { metrics } from '@/lib/metrics/hooks';
import { LoginError } from './errors';
import { PASSWORD_MAX } from './passwords';
import type { LoginRateLimiter } from './rate-limiter';
import type { UserRecord, UserService } from './user-service';

export interface LoginAttempt {
  username: string;
  password: string;
  ip: string;
  userAgent?: string | null;
}

/** Password sign-in with per-IP/per-user limits; every outcome is audited as `auth.login`. */
export class LoginService {
  constructor(
    private readonly users: UserService,
    private readonly limiter: LoginRateLimiter,
    private readonly audit: AuditLog,
  ) {}

  async login(attempt: LoginAttempt): Promise<UserRecord> {
    const username = attempt.username.trim().slice(0, 64);
    const base = {
      action: 'auth.login',
      target: username,
      ip: attempt.ip,
      userAgent: attempt.userAgent ?? null,
    };
    const decision = this.limiter.check(attempt.ip, username);
    if (!decision.ok) {
      metrics().loginRateLimited(decision.scope);
      await this.audit.record({
        ...base,
        user: { id: null, username },
        result: 'failure',
        error: `rate limited (${decision.scope})`,
      });
      throw new LoginError('rate_limited', decision.message, Math.ceil(decision.retryAfterMs / 1000));
    }
    const user =
      username && attempt.password.length <= PASSWORD_MAX
        ? await this.users.verifyCredentials(username, attempt.password)
        : null;
    if (!user) {
      this.limiter.recordFailure(attempt.ip, username);
      await this.audit.record({
        ...base,
        user: { id: null, username },
        result: 'failure',
        error: 'invalid credentials',
      });
      throw new LoginError('invalid_credentials', 'Invalid username or password.');
    }
    if (user.disabled) {
      this.limiter.recordFailure(attempt.ip, username);
      await this.audit.record({
        ...base,
        user: { id: user.id, username },
        result: 'failure',
        error: 'account disabled',
      });
      throw new LoginError(
        'account_disabled',
        'This account is disabled. Ask an administrator to re-enable it.',
      );
    }
    this.limiter.recordSuccess(attempt.ip, username);
    await this.audit.record({ ...base, user: { id: user.id, username }, result: 'success' });
    return user;
  }
}
