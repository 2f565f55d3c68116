import type { Principal } from '@/lib/auth/types';
import { sendError, type HubCore } from './hub-core';
import { findRevoked } from './revalidate';
import { CloseCode } from './types';

/**
 * The hub's periodic principal re-check: closes clients whose principal expired or is no longer
 * valid (4001). Never rejects; a full sweep asked for during another gets a pass of its own after.
 */
export class Revalidator {
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;

  constructor(
    private readonly core: HubCore,
    private readonly stillValid: ((p: Principal) => Promise<boolean>) | undefined,
    private readonly closing: () => boolean,
  ) {}

  /** Starts the interval (unref'd); idempotent, and a no-op once the hub is closing. */
  start(): void {
    if (this.timer || this.closing()) return;
    this.timer = setInterval(() => void this.run(), this.core.limits.revalidateIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * With `only`, re-checks just the matching principals (a revocation named by the control bus) and
   * always runs. A full sweep asked for during another one gets a pass of its own right after, so a
   * revocation that lands mid-pass is not missed.
   */
  async run(only?: (principal: Principal) => boolean): Promise<void> {
    const { core } = this;
    if (!only && this.running) {
      this.again = true;
      return;
    }
    if (!only) this.running = true;
    try {
      const states = core.index
        .all()
        .filter((state) => !only || only(state.client.principal))
        .map((state) => ({ state, principal: state.client.principal }));
      const revoked = await findRevoked(states, core.now(), this.stillValid, (err, p) =>
        core.logger?.warn({ err, user: p.username }, 'principal revalidation failed; keeping connection'),
      );
      for (const { state } of revoked) {
        if (state.closed) continue;
        core.counters.revalidation++;
        sendError(core, state, 'unauthorized', 'credentials expired or revoked');
        core.fanout.close(state, CloseCode.unauthorized, 'credentials expired or revoked');
      }
    } finally {
      if (!only) this.running = false;
    }
    if (this.again && !this.closing()) {
      this.again = false;
      await this.run();
    }
  }
}
