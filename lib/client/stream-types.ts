import type { SseWindowBody } from '@/lib/protocol/window';
import type { ServerMessage } from '@/lib/protocol/messages';
import type { BackoffOptions } from './backoff';
import type { Clock, EventSourceFactory, SocketFactory } from './stream-transport';

/**
 * `live` only while a transport is open and has delivered its `connected` (WebSocket) or `subscribed`
 * (every SSE stream) frame: an open socket alone proves nothing.
 */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';
export type Transport = 'websocket' | 'sse';

export interface ConnectionStatus {
  state: ConnectionState;
  /** the transport in use or being tried; null while parked (offline, stopped) */
  transport: Transport | null;
  /** wall-clock ms of the last frame received over a live transport; null before the first */
  lastUpdateAt: number | null;
}

export type StreamEvent =
  /** a valid message the owner should act on (node events only when in order) */
  | { type: 'message'; message: ServerMessage }
  /** the cluster's cached list can no longer be patched: refetch it, then subscribe(cluster, list.seq) */
  | { type: 'resync'; cluster: string; reason: string }
  /** the status changed (state or transport), or a frame arrived (at most once a second) */
  | { type: 'state'; status: ConnectionStatus }
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
  /** while on SSE, try the WebSocket again this often (and at once whenever an SSE stream recovers) */
  wsProbeIntervalMs?: number;
  /**
   * Does the server answer plain HTTP? Asked after `maxWsFailures` failed sockets: yes means WebSockets
   * are blocked (fall back to SSE), no means the server is down (keep retrying the WebSocket). Absent:
   * repeated failures alone mean blocked.
   */
  probeServer?: () => Promise<boolean>;
  /**
   * Live windows over the SSE fallback: the URL of a stream without clusters (it carries the windows)
   * and how to POST /api/v1/sse/windows. Absent: windows wait for the WebSocket.
   */
  sseWindows?: { url: string; post: (body: SseWindowBody) => Promise<void> };
}
