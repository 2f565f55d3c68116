'use client';
import { useEffect, useRef } from 'react';
import { useUiStore } from '@/lib/client/ui-store';
import type { NodeQueryUrl } from '@/lib/client/use-node-query-url';

/**
 * The open node panel mirrors the URL's `node` field: a link or a reload with `?node=` opens that node,
 * and opening or closing the panel rewrites the URL. The panel itself stays UI state (zustand).
 */
export function usePanelInUrl(url: Pick<NodeQueryUrl, 'node' | 'setNode'>, panelNode: string | null): void {
  const restored = useRef(false);
  useEffect(() => {
    // once, on mount: the URL wins over the (empty) store
    if (url.node && !useUiStore.getState().panel)
      useUiStore.getState().openPanel({ kind: 'node', name: url.node });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  useEffect(() => {
    // the first run sees the store before the restore above has re-rendered: leave the URL alone
    if (!restored.current) {
      restored.current = true;
      if (url.node && panelNode === null) return;
    }
    if (panelNode !== url.node) url.setNode(panelNode);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [panelNode]);
}
