/** Typed errors of the realtime core. */

export class UnknownClusterError extends Error {
  constructor(readonly cluster: string) {
    super(`cluster '${cluster}' is not registered`);
    this.name = 'UnknownClusterError';
  }
}

export class ClusterConfigError extends Error {
  constructor(
    readonly cluster: string,
    message: string,
  ) {
    super(`cluster '${cluster}': ${message}`);
    this.name = 'ClusterConfigError';
  }
}

/** The watch's resourceVersion is too old (HTTP 410 or an ERROR event with code 410): relist. */
export class GoneError extends Error {
  constructor(message = 'resourceVersion too old (410 Gone)') {
    super(message);
    this.name = 'GoneError';
  }
}

export class WatchdogError extends Error {
  constructor(readonly silentMs: number) {
    super(`watch silent for ${silentMs} ms; restarting`);
    this.name = 'WatchdogError';
  }
}

export class WatchStatusError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(`watch error ${code}: ${message}`);
    this.name = 'WatchStatusError';
  }
}

export function statusCodeOf(err: unknown): number | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { statusCode?: unknown; code?: unknown; status?: unknown };
  for (const v of [e.statusCode, e.code, e.status]) if (typeof v === 'number') return v;
  return undefined;
}

export function isGone(err: unknown): boolean {
  return err instanceof GoneError || statusCodeOf(err) === 410;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return String(err);
}

/** The server ended a watch well before its timeoutSeconds: a cut connection, not a normal expiry. */
export class WatchClosedEarlyError extends Error {
  constructor(readonly afterMs: number) {
    super(`watch closed by the server after ${afterMs} ms, before its timeout`);
    this.name = 'WatchClosedEarlyError';
  }
}

/** Why a watch was restarted (the label of knm_informer_watch_restarts_total); a closed set. */
export const RESTART_REASONS = ['timeout', 'gone', 'closed_early', 'watchdog', 'status', 'error'] as const;
export type RestartReason = (typeof RESTART_REASONS)[number];

/** Classifies the error that ended a watch; `timeout` is the server's normal end at timeoutSeconds. */
export function restartReason(err: unknown): RestartReason {
  if (!err) return 'timeout';
  if (isGone(err)) return 'gone';
  if (err instanceof WatchClosedEarlyError) return 'closed_early';
  if (err instanceof WatchdogError) return 'watchdog';
  if (err instanceof WatchStatusError) return 'status';
  return 'error';
}
