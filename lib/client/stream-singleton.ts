'use client';
import { StreamClient } from './stream-client';
import {
  browserClock,
  browserEventSourceFactory,
  browserServerProbe,
  browserSocketFactory,
  browserWindowPost,
} from './stream-transport';

let client: StreamClient | null = null;
let refs = 0;
let stopTimer: ReturnType<typeof setTimeout> | null = null;
let detachOnline: (() => void) | null = null;

function create(): StreamClient {
  const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
  return new StreamClient({
    wsUrl: `${proto}//${window.location.host}/api/v1/ws/nodes`,
    sseUrl: (cluster, since) => {
      const q = new URLSearchParams({ cluster });
      if (since !== undefined) q.set('since', String(since));
      return `/api/v1/sse/nodes?${q}`;
    },
    createSocket: browserSocketFactory,
    createEventSource: typeof EventSource === 'undefined' ? undefined : browserEventSourceFactory,
    clock: browserClock,
    // the hub pings every 30 s: two missed pings and a margin mean the connection is gone
    idleTimeoutMs: 75_000,
    // unauthenticated and cheap: tells a blocked WebSocket (answers) from a stopped server (does not)
    probeServer: browserServerProbe('/api/v1/ws/ping'),
    wsProbeIntervalMs: 30_000,
    // on SSE, windows ride a stream without clusters and are asked for over HTTP
    sseWindows: { url: '/api/v1/sse/nodes', post: browserWindowPost('/api/v1/sse/windows') },
  });
}

/**
 * One stream client per tab, shared by every hook. Reference counted; the stop is deferred a moment so
 * React StrictMode's mount-unmount-mount and quick page transitions don't drop the socket.
 */
/** The tab's client, created on first use but not started; null on the server. */
export function getStreamClient(): StreamClient | null {
  if (typeof window === 'undefined') return null;
  client ??= create();
  return client;
}

export function acquireStreamClient(): StreamClient {
  if (stopTimer) {
    clearTimeout(stopTimer);
    stopTimer = null;
  }
  client ??= create();
  refs++;
  if (refs === 1) {
    const c = client;
    const update = () => c.setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    detachOnline = () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
    c.setOnline(navigator.onLine);
    c.start();
  }
  return client;
}

export function releaseStreamClient(): void {
  refs = Math.max(0, refs - 1);
  if (refs > 0 || stopTimer) return;
  stopTimer = setTimeout(() => {
    stopTimer = null;
    if (refs > 0) return;
    detachOnline?.();
    detachOnline = null;
    client?.stop();
  }, 1_000);
}
