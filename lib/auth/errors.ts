/** Domain errors carry an HTTP status and a stable code; lib/http/handler maps them in one place. */
export class AuthDomainError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationError extends AuthDomainError {
  constructor(field: string, message: string) {
    super(400, 'invalid_request', `${field}: ${message}`, { field });
  }
}

export class NotFoundError extends AuthDomainError {
  constructor(what: string) {
    super(404, 'not_found', `${what} not found`);
  }
}

export class ConflictError extends AuthDomainError {
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}

export class ForbiddenError extends AuthDomainError {
  constructor(message: string) {
    super(403, 'forbidden', message);
  }
}

export class LoginError extends AuthDomainError {
  constructor(
    code: 'invalid_credentials' | 'rate_limited' | 'account_disabled',
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(code === 'rate_limited' ? 429 : 401, code, message);
  }
}
