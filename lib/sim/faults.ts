import { apiErrors, type SimApiError } from './errors';

export interface FaultCommand {
  action: 'cutWatches' | 'stallWatches' | 'expireNextWatch' | 'failNext' | 'setLatency' | 'clear';
  n?: number;
  status?: number;
  ms?: number;
  abrupt?: boolean;
}

/** Injected-fault state consulted by the HTTP layer on every request (pure; no sockets here). */
export class FaultState {
  private failRemaining = 0;
  private failStatus: 500 | 429 = 500;
  latencyMs = 0;
  private expireNext = false;
  /** injected failures actually answered, by status; clear() leaves them (tests compare before/after) */
  readonly served = { 500: 0, 429: 0 };

  failNext(n: number, status: 500 | 429): void {
    if (!Number.isInteger(n) || n < 0)
      throw apiErrors.badRequest('failNext: "n" must be a non-negative integer');
    if (status !== 500 && status !== 429) throw apiErrors.badRequest('failNext: "status" must be 500 or 429');
    this.failRemaining = n;
    this.failStatus = status;
  }

  setLatency(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0 || ms > 600_000)
      throw apiErrors.badRequest('setLatency: "ms" must be between 0 and 600000');
    this.latencyMs = ms;
  }

  expireNextWatch(): void {
    this.expireNext = true;
  }

  clear(): void {
    this.failRemaining = 0;
    this.latencyMs = 0;
    this.expireNext = false;
  }

  /** Consumes one injected failure, if any is pending. */
  takeFailure(): SimApiError | undefined {
    if (this.failRemaining <= 0) return undefined;
    this.failRemaining--;
    this.served[this.failStatus]++;
    if (this.failStatus === 429)
      return apiErrors.tooManyRequests('Too many requests, please try again later.', {
        retryAfterSeconds: 1,
      });
    return apiErrors.internal('injected fault');
  }

  takeWatchExpiry(): boolean {
    const e = this.expireNext;
    this.expireNext = false;
    return e;
  }
}

/** Validates a fault command posted to /_sim/faults. */
export function parseFaultCommand(body: unknown): FaultCommand {
  if (!body || typeof body !== 'object')
    throw apiErrors.badRequest('fault command must be a JSON object with an "action" field');
  const b = body as Record<string, unknown>;
  const actions = ['cutWatches', 'stallWatches', 'expireNextWatch', 'failNext', 'setLatency', 'clear'];
  if (typeof b.action !== 'string' || !actions.includes(b.action))
    throw apiErrors.badRequest(`"action" must be one of ${actions.join(', ')}`);
  const cmd: FaultCommand = { action: b.action as FaultCommand['action'] };
  if (b.action === 'failNext') {
    if (typeof b.n !== 'number') throw apiErrors.badRequest('failNext requires numeric "n"');
    if (b.status !== 500 && b.status !== 429)
      throw apiErrors.badRequest('failNext requires "status" 500 or 429');
    cmd.n = b.n;
    cmd.status = b.status;
  }
  if (b.action === 'cutWatches') cmd.abrupt = b.abrupt === true;
  if (b.action === 'setLatency') {
    if (typeof b.ms !== 'number') throw apiErrors.badRequest('setLatency requires numeric "ms"');
    cmd.ms = b.ms;
  }
  return cmd;
}
