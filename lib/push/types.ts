import type { Principal } from '@/lib/auth/types';

export type Transport = 'ws' | 'sse';

/** One connected browser or API client, whatever the transport; adapters implement it around a socket or stream. */
export interface PushClient {
  id: string;
  principal: Principal;
  transport: Transport;
  /** must not throw for a closed client (adapters ignore sends after close) */
  send(frame: string): void;
  /** bytes queued for this client but not yet handed to the kernel (ws) or pulled by the response (SSE) */
  bufferedAmount(): number;
  close(code: number, reason: string): void;
}

export interface HubLimits {
  /** all connections of the process; more are closed with 1013 */
  maxConnections: number;
  /** connections of one user (principal.userId); more are closed with 1013 */
  maxConnectionsPerUser: number;
  /** a client whose buffered bytes pass this is closed with 4008 and dropped */
  maxBufferedBytes: number;
  /** how often principals are re-checked with stillValid (and expiresAt) */
  revalidateIntervalMs: number;
  /** clusters one connection may hold at once */
  maxClustersPerConnection: number;
}

export const defaultHubLimits: HubLimits = {
  maxConnections: 10_000,
  maxConnectionsPerUser: 50,
  maxBufferedBytes: 1024 * 1024,
  revalidateIntervalMs: 60_000,
  maxClustersPerConnection: 64,
};

export { CloseCode } from '@/lib/protocol/close-codes';

export interface SubscriptionRequest {
  cluster: string;
  /** last seq the client has seen; omitted means "live changes only" */
  since?: number;
}

export type AccessResult = 'ok' | 'forbidden' | 'unknown_cluster';

export type ConnectResult = { ok: true } | { ok: false; code: number; reason: string };

export type SubscribeResult =
  | { ok: true; seq: number; replayed: number; resync: boolean }
  | {
      ok: false;
      code: 'forbidden' | 'unknown_cluster' | 'too_many_clusters' | 'unknown_client';
      message: string;
    };

export interface PushStats {
  connections: {
    total: number;
    byTransport: Record<Transport, number>;
    byCluster: Record<string, number>;
    byUser: Record<string, number>;
  };
  messagesSent: number;
  bytesSent: number;
  slowConsumersDropped: number;
  rejectedConnections: number;
  revalidationCloses: number;
  /** subscribes with `since` answered by replaying the missed changes */
  resumes: number;
  /** `resync` messages sent (history too short, too many changes, cluster re-registered) */
  resyncs: number;
  /** messagesSent, bytesSent and slowConsumersDropped per transport */
  byTransport: Record<Transport, { messagesSent: number; bytesSent: number; slowConsumersDropped: number }>;
  clusters: Record<string, { seq: number; subscribers: number }>;
}
