import type { PushClient, PushStats, Transport } from './types';

export interface ClientState {
  client: PushClient;
  /** subscribed clusters → seq of the last change this client was sent (its resume point) */
  clusters: Map<string, number>;
  closed: boolean;
}

/** Bookkeeping of connected clients: by id, by subscribed cluster, by user and by transport. */
export class ClientIndex {
  private readonly clients = new Map<string, ClientState>();
  private readonly clusterSets = new Map<string, Set<ClientState>>();
  private readonly users = new Map<string, number>();
  private readonly transports: Record<Transport, number> = { ws: 0, sse: 0 };

  get size(): number {
    return this.clients.size;
  }

  has(id: string): boolean {
    return this.clients.has(id);
  }

  get(id: string): ClientState | undefined {
    return this.clients.get(id);
  }

  all(): ClientState[] {
    return [...this.clients.values()];
  }

  userCount(userId: string): number {
    return this.users.get(userId) ?? 0;
  }

  add(client: PushClient): ClientState {
    const state: ClientState = { client, clusters: new Map(), closed: false };
    this.clients.set(client.id, state);
    this.users.set(client.principal.userId, this.userCount(client.principal.userId) + 1);
    this.transports[client.transport]++;
    return state;
  }

  /** Removes a client and all its subscriptions, marking it closed; idempotent. */
  remove(id: string): ClientState | undefined {
    const state = this.clients.get(id);
    if (!state) return undefined;
    state.closed = true;
    this.clients.delete(id);
    for (const cluster of state.clusters.keys()) this.unindex(cluster, state);
    state.clusters.clear();
    const user = state.client.principal.userId;
    const left = this.userCount(user) - 1;
    if (left > 0) this.users.set(user, left);
    else this.users.delete(user);
    this.transports[state.client.transport]--;
    return state;
  }

  join(state: ClientState, cluster: string, seq: number): void {
    state.clusters.set(cluster, seq);
    let set = this.clusterSets.get(cluster);
    if (!set) this.clusterSets.set(cluster, (set = new Set()));
    set.add(state);
  }

  leave(state: ClientState, cluster: string): boolean {
    if (!state.clusters.delete(cluster)) return false;
    this.unindex(cluster, state);
    return true;
  }

  subscribers(cluster: string): ReadonlySet<ClientState> | undefined {
    return this.clusterSets.get(cluster);
  }

  clusterNames(): string[] {
    return [...this.clusterSets.keys()];
  }

  counts(): PushStats['connections'] {
    const byCluster: Record<string, number> = {};
    for (const [cluster, set] of this.clusterSets) byCluster[cluster] = set.size;
    return {
      total: this.clients.size,
      byTransport: { ...this.transports },
      byCluster,
      byUser: Object.fromEntries(this.users),
    };
  }

  private unindex(cluster: string, state: ClientState): void {
    const set = this.clusterSets.get(cluster);
    if (!set) return;
    set.delete(state);
    if (set.size === 0) this.clusterSets.delete(cluster);
  }
}
