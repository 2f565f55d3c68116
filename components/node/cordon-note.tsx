import { cordonInfo } from '@/lib/client/cordon-info';
import { formatAge } from '@/lib/client/quantity';
import type { NodeSummary } from '@/lib/protocol/node-summary';

/** Who cordoned the node, why and when, beside the cordon badge; nothing while schedulable. */
export function CordonNote({ node, now }: { node: NodeSummary; now: number }) {
  const info = cordonInfo(node);
  if (!info) return null;
  return (
    <p data-testid="cordon-info" className="mt-1 text-xs text-slate-600">
      {info.by ? (
        <>
          Cordoned by <span className="font-medium text-slate-800">{info.by}</span>
        </>
      ) : (
        'Cordoned outside Kube Node Manager'
      )}
      {info.at && (
        <time dateTime={info.at} title={info.at}>
          {' '}
          {formatAge(info.at, now)} ago
        </time>
      )}
      {info.reason ? (
        <>
          : <q data-testid="cordon-reason">{info.reason}</q>
        </>
      ) : (
        info.by && ', no reason given'
      )}
    </p>
  );
}
