import type { Principal } from '@/lib/auth/types';
import type { ClientMessage } from '@/lib/protocol/messages';
import type { ClientState } from './client-index';
import { isoNow, sendError, type HubCore } from './hub-core';
import type { AccessResult, SubscribeResult } from './types';
import type { WindowHub, WindowResult } from './windows';

/** The hub operations a client message can ask for. */
export interface MessageTarget {
  readonly windows: WindowHub;
  subscribe(clientId: string, cluster: string, since?: number): SubscribeResult;
  unsubscribe(clientId: string, cluster: string): boolean;
  checkAccess(principal: Principal, cluster: string): AccessResult;
}

/**
 * Acts on validated client messages (adapters parse with parseClientFrame), whatever transport
 * they came over. Reads of a cluster's nodes (subscribe, window) pass the cluster's read gate first.
 */
export class HubMessages {
  constructor(
    private readonly core: HubCore,
    private readonly hub: MessageTarget,
    /** the cluster's own say on reading its nodes; undefined: no gate (shared mode) */
    private readonly readGate?: (principal: Principal, cluster: string) => Promise<string | undefined>,
  ) {}

  handle(clientId: string, msg: ClientMessage): void {
    const { core, hub } = this;
    const state = core.index.get(clientId);
    if (!state) return;
    switch (msg.type) {
      case 'subscribe': {
        const { cluster, since } = msg.data;
        return this.afterReadGate(state, cluster, () => {
          const res = hub.subscribe(clientId, cluster, since);
          if (!res.ok) sendError(core, clientId, res.code, res.message);
        });
      }
      case 'unsubscribe':
        if (!hub.unsubscribe(clientId, msg.data.cluster)) {
          sendError(core, state, 'not_subscribed', `not subscribed to cluster "${msg.data.cluster}"`);
        }
        return;
      case 'ping':
        core.fanout.message(state, { type: 'pong', timestamp: isoNow(core) });
        return;
      case 'window': {
        // a window reads the cached nodes as much as a subscription does: the same gate
        return this.afterReadGate(state, msg.data.cluster, () => {
          const access = hub.checkAccess(state.client.principal, msg.data.cluster);
          const res: WindowResult =
            access !== 'ok'
              ? { ok: false, code: access, message: `no window on cluster "${msg.data.cluster}"` }
              : hub.windows.request(clientId, msg.data);
          if (!res.ok) sendError(core, state, res.code, res.message);
        });
      }
      case 'window_close':
        if (!hub.windows.close(clientId, msg.data.id))
          sendError(core, state, 'unknown_window', `no window "${msg.data.id}"`);
        return;
      case 'pong':
        return;
    }
  }

  /** Why the cluster does not let this principal read its nodes, or undefined. */
  async readDenied(principal: Principal, cluster: string): Promise<string | undefined> {
    return this.readGate ? this.readGate(principal, cluster) : undefined;
  }

  /**
   * Runs `go` once the cluster lets this client's user read its nodes (impersonate / oidc-token
   * modes ask it by access review, cached); otherwise answers `forbidden` with the cluster's reason.
   * Without a gate (shared mode everywhere) `go` runs at once, keeping scroll requests in order.
   */
  private afterReadGate(state: ClientState, cluster: string, go: () => void): void {
    const clientId = state.client.id;
    const decide = (denied: string | undefined) => {
      if (denied) return sendError(this.core, clientId, 'forbidden', denied);
      go();
    };
    if (!this.readGate) return decide(undefined);
    this.readDenied(state.client.principal, cluster)
      .then(decide, (err: unknown) =>
        decide(`the cluster's permissions could not be checked: ${(err as Error).message}`),
      )
      .catch((err: unknown) =>
        this.core.logger?.warn({ err, cluster }, 'a request after the read gate failed'),
      );
  }
}
