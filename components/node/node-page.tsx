'use client';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { useNodeStream } from '@/lib/client/use-node-stream';
import { useNodes } from '@/lib/client/use-nodes';
import { ConnectionIndicator } from '@/components/dashboard/connection-indicator';
import { NodeDetailView } from './node-detail-panel';
import { UsageCharts } from './usage-charts';

/** Full-page node view; loads the cluster's list and stream so the node stays live. */
export function NodePage({ cluster, node }: { cluster: string; node: string }) {
  useNodes(cluster);
  useNodeStream(cluster);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);
  return (
    <div className="flex h-full flex-col">
      <div className="flex items-center gap-2 border-b border-slate-200 bg-white px-4 py-2 text-xs">
        <Link href={`/?cluster=${encodeURIComponent(cluster)}`} className="text-sky-700 hover:underline">
          {cluster}
        </Link>
        <span className="text-slate-500">/</span>
        <h1 className="text-xs font-medium">{node}</h1>
        <span className="ml-auto">
          <ConnectionIndicator />
        </span>
      </div>
      <div className="mx-auto flex min-h-0 w-full max-w-4xl flex-1 flex-col border-x border-slate-200">
        <UsageCharts cluster={cluster} node={node} />
        <div className="min-h-0 flex-1">
          <NodeDetailView cluster={cluster} name={node} now={now} />
        </div>
      </div>
    </div>
  );
}
