import type { ConnectionState, ConnectionStatus, Transport } from './stream-types';
import type { Clock } from './stream-transport';

/**
 * The stream client's status snapshot: replaced (never mutated) on every change, so React can read it
 * with useSyncExternalStore. State and transport changes are reported at once; the time of the last frame
 * is reported at most once a second, enough for a clock shown to the second.
 */
export class StatusKeeper {
  private status: ConnectionStatus = { state: 'offline', transport: null, lastUpdateAt: null };
  private reportedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly clock: Clock,
    private readonly report: (status: ConnectionStatus) => void,
  ) {}

  get(): ConnectionStatus {
    return this.status;
  }

  set(state: ConnectionState, transport: Transport | null): void {
    if (state === this.status.state && transport === this.status.transport) return;
    this.status = { ...this.status, state, transport };
    this.publish(this.clock.now());
  }

  /** A frame arrived on the transport. */
  touch(): void {
    const now = this.clock.now();
    this.status = { ...this.status, lastUpdateAt: now };
    if (now - this.reportedAt >= 1000) this.publish(now);
  }

  private publish(now: number): void {
    this.reportedAt = now;
    this.report(this.status);
  }
}
