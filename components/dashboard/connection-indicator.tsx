'use client';
import { useStreamErrorStore } from '@/lib/client/stream-error-store';
import type { ConnectionState } from '@/lib/client/stream-client';

const look: Record<ConnectionState, { label: string; dot: string; text: string; hint: string }> = {
  live: {
    label: 'Live',
    dot: 'bg-emerald-500',
    text: 'text-emerald-700',
    hint: 'Receiving changes over WebSocket',
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
    text: 'text-amber-700',
    hint: 'Connection lost; retrying and resuming from the last change seen',
  },
  'fallback-sse': {
    label: 'Live (SSE)',
    dot: 'bg-emerald-500',
    text: 'text-emerald-700',
    hint: 'WebSocket unavailable; receiving changes over Server-Sent Events',
  },
  offline: {
    label: 'Offline',
    dot: 'bg-slate-400',
    text: 'text-slate-500',
    hint: 'No network; the table shows the last known state',
  },
};

export function ConnectionIndicator({ state }: { state: ConnectionState }) {
  const l = look[state];
  const error = useStreamErrorStore((s) => s.error);
  return (
    <span className="inline-flex items-center gap-1.5">
      {error && (
        <span data-testid="stream-error" title={error} className="cursor-help text-[11px] text-amber-700">
          ⚠ {error.length > 40 ? `${error.slice(0, 40)}…` : error}
        </span>
      )}
      <span
        data-testid="connection-state"
        data-state={state}
        title={l.hint}
        className={`inline-flex items-center gap-1.5 rounded-full border border-slate-200 bg-white px-2 py-0.5 text-[11px] font-medium ${l.text}`}
      >
        <span className={`size-1.5 rounded-full ${l.dot}`} aria-hidden />
        {l.label}
      </span>
    </span>
  );
}
