'use client';
import { useEffect } from 'react';
import { useTheme } from 'next-themes';
import { Toaster, toast } from 'sonner';
import type { NodeEventMessage } from '@/lib/protocol/messages';
import { nodeToasts, openNodeNotice, type NodeToast } from '@/lib/client/node-toasts';
import { isOwnEdit } from '@/lib/client/own-edits';
import { getStreamClient } from '@/lib/client/stream-singleton';

/** Pushed node events are gathered this long, so a burst becomes one "37 nodes updated" toast. */
const WINDOW_MS = 1_500;

export function showToast(t: NodeToast): void {
  const opts = { id: t.id, description: t.description };
  if (t.kind === 'warning') toast.warning(t.title, opts);
  else toast.info(t.title, opts);
}

const isNodeEvent = (m: { type: string }): m is NodeEventMessage =>
  m.type === 'node_add' || m.type === 'node_update' || m.type === 'node_delete';

/**
 * The toaster, and toasts for pushed node changes of the clusters the page follows (as in the original
 * design: added, removed, labels, taints, scheduling), aggregated per window. It listens to the tab's
 * stream client without starting it: pages that show nodes start it.
 */
export function ToastHost() {
  const { resolvedTheme } = useTheme();
  useEffect(() => {
    const client = getStreamClient();
    if (!client) return;
    const pending = new Map<string, NodeEventMessage[]>();
    let timer: ReturnType<typeof setTimeout> | null = null;
    const flush = () => {
      timer = null;
      for (const [cluster, events] of pending) for (const t of nodeToasts(cluster, events)) showToast(t);
      pending.clear();
    };
    const off = client.onEvent((e) => {
      if (e.type !== 'message' || !isNodeEvent(e.message)) return;
      const m = e.message;
      pending.set(m.cluster_name, [...(pending.get(m.cluster_name) ?? []), m]);
      timer ??= setTimeout(flush, WINDOW_MS);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, []);
  return (
    <Toaster
      position="bottom-right"
      visibleToasts={3}
      closeButton
      theme={resolvedTheme === 'dark' ? 'dark' : 'light'}
    />
  );
}

/** A notice when someone else changes the node this page shows (the user's own edits stay quiet). */
export function useOpenNodeNotice(cluster: string, name: string): void {
  useEffect(() => {
    const client = getStreamClient();
    if (!client) return;
    return client.onEvent((e) => {
      if (e.type !== 'message' || !isNodeEvent(e.message)) return;
      const m = e.message;
      if (m.cluster_name !== cluster || m.node_name !== name) return;
      const notice = openNodeNotice(m, isOwnEdit(cluster, name, m.resource_version));
      if (notice) showToast(notice);
    });
  }, [cluster, name]);
}
