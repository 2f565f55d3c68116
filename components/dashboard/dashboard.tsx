'use client';
import { useNow } from '@/lib/client/use-now';
import { useCallback, useEffect, useMemo, useRef } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useFlashStore } from '@/lib/client/flash-store';
import { useCanWrite } from '@/lib/client/use-can-write';
import { useUiStore } from '@/lib/client/ui-store';
import { toggleSort, useNodeQueryUrl } from '@/lib/client/use-node-query-url';
import { useNodeRows } from '@/lib/client/use-node-rows';
import { useClusters } from '@/lib/client/use-nodes';
import { Button } from '@/components/ui/button';
import { ErrorBox } from '@/components/ui/error-box';
import dynamic from 'next/dynamic';
import { BatchActionBar } from './batch-action-bar';
import { ClusterPicker } from './cluster-picker';
import { UrlQueryFilters } from './collapsible-filters';
import { ConnectionIndicator } from './connection-indicator';
import { ColumnChooser } from './column-chooser';
import { ExportMenu } from './export-menu';
import { NodeTable, type SelectAllState } from './node-table';
import { useSearchShortcut } from './search-shortcut';
import { usePanelInUrl } from './use-panel-in-url';
import { useTableColumns } from './use-table-columns';

const fmt = new Intl.NumberFormat('en');

// Shown only once a node or a batch is opened: their code (editors, tabs, operation progress) stays out
// of the first load, whose script evaluation and hydration are one long task on a cold page.
const NodeDetailView = dynamic(() =>
  import('@/components/node/node-detail-panel').then((m) => m.NodeDetailView),
);
const BatchDialog = dynamic(() => import('./batch-dialog').then((m) => m.BatchDialog));

/** The live node dashboard: cluster picker, filters, windowed table, batch actions and the node panel. */
export function Dashboard() {
  const ui = useUiStore(
    useShallow((s) => ({
      cluster: s.cluster,
      selected: s.selected,
      panel: s.panel,
      operationId: s.operationId,
    })),
  );
  const actions = useUiStore.getState();
  const url = useNodeQueryUrl();
  const urlCluster = url.cluster;
  const clusters = useClusters();
  const names = clusters.data?.map((c) => c.name) ?? [];
  const wanted = ui.cluster ?? urlCluster;
  const cluster = wanted && names.includes(wanted) ? wanted : (names[0] ?? null);

  const info = clusters.data?.find((c) => c.name === cluster);
  // a syncing cluster's count is not known yet (null): the rows hook then windows it
  const nodeCount = info && (info.status === 'syncing' ? null : info.nodes);
  const rows = useNodeRows(cluster, url.query, nodeCount);
  const resetFlash = useFlashStore((s) => s.reset);
  const now = useNow(30_000);
  const canWrite = useCanWrite();
  const { errors, roles } = rows;
  const selectedNames = useMemo(() => rows.present(ui.selected), [rows, ui.selected]);
  const selectAll = useMemo((): SelectAllState => {
    const { rows: held } = rows.loaded();
    const n = held.reduce((k, r) => k + (ui.selected.has(r.name) ? 1 : 0), 0);
    return n === 0 ? 'none' : n === held.length ? 'all' : 'some';
  }, [rows, ui.selected]);
  const table = useTableColumns(cluster, rows.rowAt, rows.onVisibleRange);
  useSearchShortcut();

  const chooseCluster = (name: string) => {
    actions.setCluster(name);
    resetFlash();
    url.setCluster(name);
  };

  // shift-click selects the range from the previously toggled row within the current order; in a
  // window only when both ends are loaded (acting on every match is the batch dialog's label selector)
  const lastToggled = useRef<string | null>(null);
  const loadedRef = useRef(rows.loaded);
  useEffect(() => {
    loadedRef.current = rows.loaded;
  }, [rows.loaded]);
  const onToggle = useCallback((name: string, range: boolean) => {
    const st = useUiStore.getState();
    const last = lastToggled.current;
    lastToggled.current = name;
    if (range && last && last !== name) {
      const list = loadedRef.current().rows;
      const a = list.findIndex((n) => n.name === last);
      const b = list.findIndex((n) => n.name === name);
      if (a >= 0 && b >= 0) {
        const next = new Set(st.selected);
        for (const n of list.slice(Math.min(a, b), Math.max(a, b) + 1)) next.add(n.name);
        st.setSelected(next);
        return;
      }
    }
    st.toggleSelected(name);
  }, []);
  const onOpen = useCallback((name: string) => useUiStore.getState().openPanel({ kind: 'node', name }), []);
  const onSelectAll = useCallback((all: boolean) => {
    const st = useUiStore.getState();
    // the rows held: every match of a small cluster, the loaded window of a large one
    st.setSelected(all ? loadedRef.current().rows.map((n) => n.name) : []);
  }, []);

  const panelNode = ui.panel?.kind === 'node' ? ui.panel.name : null;
  usePanelInUrl(url, panelNode);
  // one listener for the page's life: one added when a panel opens could miss an Escape pressed before
  // that effect ran (a busy main thread runs it after the panel is already on screen)
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const st = useUiStore.getState();
      if (e.key === 'Escape' && !e.defaultPrevented && st.panel?.kind === 'node') st.openPanel(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const batchAction = ui.panel?.kind === 'batch' ? ui.panel.action : null;

  return (
    <div className="flex h-full min-h-0 flex-col">
      <div className="flex items-center gap-3 border-b border-slate-200 bg-white px-4 py-2">
        {clusters.data ? (
          clusters.data.length ? (
            <ClusterPicker clusters={clusters.data} value={cluster} onChange={chooseCluster} />
          ) : (
            <span className="text-xs text-slate-500" data-testid="cluster-picker">
              No clusters configured.
            </span>
          )
        ) : clusters.error ? (
          <ErrorBox error={clusters.error} />
        ) : (
          <span className="text-xs text-slate-500" data-testid="cluster-picker">
            Loading clusters…
          </span>
        )}
        <div className="ml-auto flex shrink-0 items-center gap-3 text-xs text-slate-500">
          {rows.syncing && <span className="text-amber-700">cache syncing…</span>}
          <span
            data-testid="node-count"
            data-count={rows.count}
            data-query={rows.shownQuery}
            data-total={rows.clusterTotal}
            data-mode={rows.mode}
            data-source={rows.source}
            className="tabular-nums"
          >
            {rows.count === rows.clusterTotal
              ? `${fmt.format(rows.clusterTotal)} nodes`
              : `${fmt.format(rows.count)} of ${fmt.format(rows.clusterTotal)} nodes`}
          </span>
          <ColumnChooser />
          {cluster && <ExportMenu cluster={cluster} query={url.query} />}
          <ConnectionIndicator />
        </div>
      </div>
      <UrlQueryFilters url={url} roles={roles} errors={errors} />
      <BatchActionBar
        count={canWrite ? selectedNames.length : 0}
        note={
          rows.mode === 'window'
            ? 'Select all takes the loaded rows; to act on every match, clear the selection and use a label selector.'
            : undefined
        }
        canWrite={canWrite}
        onAction={(action) => actions.openPanel({ kind: 'batch', action })}
        onClear={actions.clearSelection}
      />
      <div className="relative flex min-h-0 flex-1">
        <div className="flex min-w-0 flex-1 flex-col">
          {rows.error ? (
            <div className="p-4">
              <ErrorBox error={rows.error} />
              <Button className="mt-2" onClick={rows.refetch}>
                Retry
              </Button>
            </div>
          ) : cluster && rows.isPending ? (
            <p className="p-4 text-xs text-slate-500" data-testid="nodes-loading">
              Loading nodes…
            </p>
          ) : (
            <NodeTable
              count={rows.count}
              rowAt={rows.rowAt}
              onVisibleRange={table.onVisibleRange}
              columns={table.columns}
              usageOf={table.usageOf}
              usageNote={table.usageNote}
              selectAll={selectAll}
              selected={ui.selected}
              activeName={panelNode}
              sort={url.query}
              onSort={(column) => url.setQuery(toggleSort(url.query, column))}
              onToggle={onToggle}
              onSelectAll={onSelectAll}
              onOpen={onOpen}
              selectable={canWrite}
            />
          )}
          {!rows.isPending && rows.count === 0 && rows.clusterTotal > 0 && (
            <p className="border-t border-slate-200 bg-white p-4 text-center text-xs text-slate-500">
              No nodes match the filters.
            </p>
          )}
        </div>
        {cluster && panelNode && (
          // beside the table from 1024 px; below that an overlay over it, so the table keeps its width
          <aside
            aria-label="Node details"
            className="w-[34rem] max-w-[50vw] shrink-0 border-l border-slate-200 shadow-[-4px_0_12px_-6px_rgba(15,23,42,0.15)] max-lg:absolute max-lg:inset-y-0 max-lg:right-0 max-lg:z-30 max-lg:w-[min(34rem,92vw)] max-lg:max-w-none max-lg:shadow-2xl"
          >
            <NodeDetailView
              key={`${cluster}/${panelNode}`}
              cluster={cluster}
              name={panelNode}
              now={now}
              onClose={() => actions.openPanel(null)}
            />
          </aside>
        )}
      </div>
      {cluster && batchAction && (
        <BatchDialog
          cluster={cluster}
          action={batchAction}
          nodes={selectedNames}
          operationId={ui.operationId}
          onStarted={(id) => actions.setOperation(id)}
          onClose={() => {
            actions.openPanel(null);
            actions.setOperation(null);
          }}
        />
      )}
    </div>
  );
}
