'use client';
import dynamic from 'next/dynamic';
import Link from 'next/link';
import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { NodeSummary } from '@/lib/protocol/node-summary';
import { findNodeIndex } from '@/lib/client/apply-node-event';
import { queryKeys } from '@/lib/client/query-keys';
import { useCanWrite } from '@/lib/client/use-can-write';
import { fetchNodeList, useNodeDetail } from '@/lib/client/use-nodes';
import { ErrorBox } from '@/components/ui/error-box';
import { StatusBadge } from '@/components/ui/status-badge';
import { LabelsEditor } from './labels-editor';
import { NodeActions } from './node-actions';
import { NodeEvents, NodeOverview, NodePods } from './node-overview';
import { TaintsEditor } from './taints-editor';
import { useOpenNodeNotice } from '@/components/toasts/toast-host';

import { CordonNote } from './cordon-note';

// js-yaml stays out of the first load: fetched when the YAML tab is opened
const NodeYaml = dynamic(() => import('./node-yaml'), {
  loading: () => <p className="text-xs text-slate-500">Loading…</p>,
});

const tabs = ['Overview', 'Labels', 'Taints', 'Actions', 'Pods', 'Events', 'YAML'] as const;
type Tab = (typeof tabs)[number];

/** The node from the live list when it is there (pushed updates), else from the detail response. */
function useLiveNode(cluster: string, name: string, fallback?: NodeSummary): NodeSummary | undefined {
  // observe the cached list without fetching it: the page hosting the panel decides whether to load it
  const { data: list } = useQuery({
    queryKey: queryKeys.nodes(cluster),
    queryFn: () => fetchNodeList(cluster),
    enabled: false,
    staleTime: Infinity,
  });
  if (list) {
    const i = findNodeIndex(list.items, name);
    if (i >= 0) return list.items[i];
  }
  return fallback;
}

function ReadOnly({ node, tab }: { node: NodeSummary; tab: 'Labels' | 'Taints' }) {
  const entries =
    tab === 'Labels'
      ? Object.entries(node.labels).map(([k, v]) => `${k}=${v}`)
      : node.taints.map((t) => `${t.key}${t.value ? `=${t.value}` : ''}:${t.effect}`);
  return (
    <div className="flex flex-col gap-2 text-xs">
      <p className="text-slate-500">Read-only: your role can view but not change nodes.</p>
      <ul className="font-mono text-[11px]">
        {entries.map((e) => (
          <li key={e} className="border-b border-slate-100 py-1">
            {e}
          </li>
        ))}
      </ul>
      {entries.length === 0 && <p className="text-slate-500">None.</p>}
    </div>
  );
}

/** Node details and editors; used as the dashboard's side panel and as the full node page. */
export function NodeDetailView({
  cluster,
  name,
  onClose,
  now,
}: {
  cluster: string;
  name: string;
  onClose?: () => void;
  now: number;
}) {
  const [tab, setTab] = useState<Tab>('Overview');
  const detail = useNodeDetail(cluster, name);
  const node = useLiveNode(cluster, name, detail.data?.summary);
  useOpenNodeNotice(cluster, name);
  const canWrite = useCanWrite();
  const shownTabs = canWrite ? tabs : tabs.filter((t) => t !== 'Actions');

  return (
    <div className="flex h-full min-h-0 flex-col bg-white" data-testid="node-detail" data-node={name}>
      <header className="flex items-start gap-2 border-b border-slate-200 px-4 py-3">
        <div className="min-w-0 flex-1">
          <h2 className="truncate text-sm font-semibold text-slate-900" title={name}>
            {name}
          </h2>
          <div className="mt-1 flex items-center gap-2 text-xs text-slate-500">
            {node && <StatusBadge status={node.status} unschedulable={node.unschedulable} />}
            <span>{node?.roles.join(', ')}</span>
            {onClose && (
              <Link
                className="text-sky-700 hover:underline"
                href={`/clusters/${encodeURIComponent(cluster)}/nodes/${encodeURIComponent(name)}`}
              >
                Open page
              </Link>
            )}
          </div>
          {node && <CordonNote node={node} now={now} cordon={detail.data?.cordon} />}
        </div>
        {onClose && (
          <button
            type="button"
            aria-label="Close panel"
            data-testid="panel-close"
            onClick={onClose}
            className="rounded px-2 py-0.5 text-slate-500 hover:bg-slate-100 hover:text-slate-700"
          >
            ✕
          </button>
        )}
      </header>
      <nav className="flex gap-1 border-b border-slate-200 px-3" role="tablist">
        {shownTabs.map((t) => (
          <button
            key={t}
            type="button"
            role="tab"
            aria-selected={tab === t}
            data-testid={`tab-${t.toLowerCase()}`}
            onClick={() => setTab(t)}
            className={`-mb-px border-b-2 px-2 py-1.5 text-xs font-medium ${
              tab === t
                ? 'border-sky-600 text-sky-700'
                : 'border-transparent text-slate-500 hover:text-slate-800'
            }`}
          >
            {t}
            {t === 'Labels' && node ? (
              <span className="ml-1 text-slate-500">{Object.keys(node.labels).length}</span>
            ) : null}
            {t === 'Taints' && node?.taints.length ? (
              <span className="ml-1 text-violet-600">{node.taints.length}</span>
            ) : null}
          </button>
        ))}
      </nav>
      {/* focusable so keyboard users can scroll long YAML or pod lists */}
      <div
        className="min-h-0 flex-1 overflow-auto p-4"
        tabIndex={0}
        role="region"
        aria-label={`${tab} of ${name}`}
      >
        {!node ? (
          detail.error ? (
            <ErrorBox error={detail.error} />
          ) : (
            <p className="text-xs text-slate-500">Loading…</p>
          )
        ) : (
          <>
            {tab === 'Overview' && <NodeOverview node={node} detail={detail.data} now={now} />}
            {!canWrite && (tab === 'Labels' || tab === 'Taints') && <ReadOnly node={node} tab={tab} />}
            {canWrite && tab === 'Labels' && (
              <LabelsEditor key={`${cluster}/${name}`} cluster={cluster} node={node} />
            )}
            {canWrite && tab === 'Taints' && <TaintsEditor cluster={cluster} node={node} />}
            {canWrite && tab === 'Actions' && <NodeActions cluster={cluster} node={node} />}
            {tab === 'Pods' && <NodePods detail={detail.data} />}
            {tab === 'Events' && <NodeEvents detail={detail.data} now={now} />}
            {tab === 'YAML' && <NodeYaml object={detail.data?.object} />}
            {detail.error &&
              tab !== 'Overview' &&
              tab !== 'Labels' &&
              tab !== 'Taints' &&
              tab !== 'Actions' && <ErrorBox error={detail.error} className="mt-2" />}
          </>
        )}
      </div>
    </div>
  );
}
