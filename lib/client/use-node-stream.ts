'use client';
import { useQueryClient } from '@tanstack/react-query';
import { startTransition, useEffect, useState, useSyncExternalStore } from 'react';
import { useFlashStore } from './flash-store';
import { useStreamErrorStore } from './stream-error-store';
import { bindStreamToQueries, followCluster } from './node-stream-binding';
import { redirectToLogin } from './redirect-to-login';
import type { ConnectionStatus, StreamClient } from './stream-client';
import { acquireStreamClient, getStreamClient, releaseStreamClient } from './stream-singleton';

const noop = () => () => undefined;

/**
 * The tab's shared client (null during SSR and hydration), started while any component uses it.
 * It arrives in a transition after mounting: as an external-store snapshot that differs from the
 * server's (null), it made React re-render the whole dashboard synchronously right after hydration,
 * the longest task of a page load; a transition renders it in slices.
 */
export function useStreamClient(): StreamClient | null {
  const [client, setClient] = useState<StreamClient | null>(null);
  useEffect(() => startTransition(() => setClient(getStreamClient())), []);
  useEffect(() => {
    if (!client) return;
    acquireStreamClient();
    return () => releaseStreamClient();
  }, [client]);
  return client;
}

const initialStatus: ConnectionStatus = { state: 'connecting', transport: null, lastUpdateAt: null };

/** The tab's connection status for the badge ('connecting' during SSR and the first render). */
export function useConnectionStatus(): ConnectionStatus {
  const client = useStreamClient();
  return useSyncExternalStore(
    client ? (cb) => client.onEvent((e) => e.type === 'state' && cb()) : noop,
    () => client?.getStatus() ?? initialStatus,
    () => initialStatus,
  );
}

/**
 * Wires the stream client into React Query for one cluster (see bindStreamToQueries / followCluster):
 * pushed node events patch the cached list, a resync refetches it, every fetched list resubscribes from
 * its own seq. The badge reads the connection status itself (useConnectionStatus), so frames arriving do
 * not re-render the page that follows the cluster.
 */
export function useNodeStream(cluster: string | null): void {
  const qc = useQueryClient();
  const client = useStreamClient();
  const markFlash = useFlashStore((s) => s.mark);

  useEffect(() => {
    if (!client) return;
    return bindStreamToQueries(qc, client, {
      onNodesChanged: (_cluster, names) => markFlash(names),
      onStreamError: (message) => {
        console.warn('stream:', message);
        useStreamErrorStore.getState().set(message);
      },
      onSubscribed: () => useStreamErrorStore.getState().set(null),
    });
  }, [client, qc, markFlash]);

  useEffect(() => {
    if (!client || !cluster) return;
    return followCluster(qc, client, cluster);
  }, [client, cluster, qc]);

  // the server closed the stream with 4001 (signed out, disabled, token revoked): sign in again
  useEffect(() => client?.onEvent((e) => e.type === 'session_ended' && redirectToLogin()), [client]);
}
