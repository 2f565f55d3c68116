import type { ServerMessage } from '@/lib/protocol/messages';
import type { BackoffOptions } from './backoff';
import type { Clock, EventSourceFactory, SocketFactory } from './stream-transport';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'fallback-sse' | 'offline';

export type StreamEvent =
  /** a valid message the owner should act on (node events only when in order) */
  | { type: 'message'; message: ServerMessage }
  /** the cluster's cached list can no longer be patched: refetch it, then subscribe(cluster, list.seq) */
  | { type: 'resync'; cluster: string; reason: string }
  | { type: 'state'; state: ConnectionState }
  | { type: 'protocol_error'; error: string }
  /** the server ended the session (close 4001: signed out, disabled, token revoked): sign in again */
  | { type: 'session_ended'; reason: string };

export interface StreamClientOptions {
  wsUrl: string;
  sseUrl: (cluster: string, since: number | undefined) => string;
  createSocket: SocketFactory;
  /** absent: no SSE fallback, the client keeps retrying the WebSocket */
  createEventSource?: EventSourceFactory;
  clock: Clock;
  backoff?: BackoffOptions;
  /** consecutive WebSocket failures (never became live) before falling back to SSE */
  maxWsFailures?: number;
  /** a WebSocket that doesn't open in time counts as failed */
  connectTimeoutMs?: number;
  /** no message at all (the server pings) for this long: the connection is dead, reconnect */
  idleTimeoutMs?: number;
  /** while on SSE, try the WebSocket again this often */
  wsProbeIntervalMs?: number;
}
