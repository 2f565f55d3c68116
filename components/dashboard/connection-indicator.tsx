'use client';
import { useStreamErrorStore } from '@/lib/client/stream-error-store';
import type { ConnectionState, ConnectionStatus, Transport } from '@/lib/client/stream-client';
import { useConnectionStatus } from '@/lib/client/use-node-stream';

const look: Record<ConnectionState, { label: string; dot: string; text: string; hint: string }> = {
  live: {
    label: 'Live',
    dot: 'bg-emerald-500',
    text: 'text-emerald-700',
    hint: 'Receiving changes',
  },
  connecting: {
    label: 'Connecting',
    dot: 'bg-sky-500 animate-pulse',
    text: 'text-sky-700',
    hint: 'Opening the live connection',
  },
  reconnecting: {
    label: 'Reconnecting',
    dot: 'bg-amber-500 animate-pulse',
    text: 'text-amber-800',
    hint: 'Connection lost; retrying and resuming from the last change seen. The view may be out of date.',
  },
  offline: {
    label: 'Offline',
    dot: 'bg-slate-400',
    text: 'text-slate-600',
    hint: 'Not connected; the view shows the last known state',
  },
};

const transportName: Record<Transport, string> = { websocket: 'WebSocket', sse: 'SSE' };

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** What a screen reader hears when the connection changes (never the ticking time). */
export function connectionAnnouncement(s: ConnectionStatus): string {
  const via = s.transport ? ` over ${transportName[s.transport]}` : '';
  switch (s.state) {
    case 'live':
      return `Live updates${via}`;
    case 'connecting':
      return `Connecting${via}`;
    case 'reconnecting':
      return 'Live updates lost, reconnecting; the view may be out of date';
    case 'offline':
      return 'Offline; the view shows the last known state';
  }
}

/**
 * The connection badge: "Live" only while the stream client reports a transport that delivered its first
 * frame, with the transport and the time of the last frame. A polite live region announces changes.
 */
export function ConnectionIndicator() {
  const status = useConnectionStatus();
  const l = look[status.state];
  const error = useStreamErrorStore((s) => s.error);
  const transport = status.transport ? transportName[status.transport] : null;
  const last = status.lastUpdateAt === null ? null : timeFmt.format(status.lastUpdateAt);
  const hint = `${l.hint}${transport ? ` (${transport})` : ''}${last ? `; last update ${last}` : ''}`;
  return (
    <span className="inline-flex items-center gap-1.5">
      {error && (
        <span data-testid="stream-error" title={error} className="cursor-help text-[11px] text-amber-800">
          ⚠ {error.length > 40 ? `${error.slice(0, 40)}…` : error}
        </span>
      )}
      <span
        data-testid="connection-state"
        data-state={status.state}
        data-transport={status.transport ?? ''}
        data-last-update={status.lastUpdateAt ?? ''}
        title={hint}
        className={`inline-flex items-center gap-1.5 rounded-full border border-slate-200 bg-white px-2 py-0.5 text-[11px] font-medium ${l.text}`}
      >
        <span className={`size-1.5 rounded-full ${l.dot}`} aria-hidden />
        {l.label}
        {transport && status.state !== 'offline' && (
          <span data-testid="connection-transport" className="font-normal">
            · {transport}
          </span>
        )}
        {last && (
          <time
            data-testid="connection-last-update"
            dateTime={new Date(status.lastUpdateAt!).toISOString()}
            className="font-normal tabular-nums text-slate-600"
          >
            {last}
          </time>
        )}
      </span>
      <span role="status" aria-live="polite" className="sr-only" data-testid="connection-announcement">
        {connectionAnnouncement(status)}
      </span>
    </span>
  );
}
