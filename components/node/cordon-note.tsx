import { cordonInfo } from '@/lib/client/cordon-info';
import { formatAge } from '@/lib/shared/quantity-format';
import type { CordonInfo } from '@/lib/protocol/cordon-annotations';
import type { NodeSummary } from '@/lib/protocol/node-summary';

/**
 * Who cordoned the node, why and when, beside the cordon badge; nothing while schedulable. The node
 * detail's answer (`cordon`: annotations, audit log, or outside the app) wins; until it has loaded, the
 * live summary's annotations stand in.
 */
export function CordonNote({
  node,
  now,
  cordon,
}: {
  node: NodeSummary;
  now: number;
  cordon?: CordonInfo | null;
}) {
  if (!node.unschedulable) return null;
  const info: CordonInfo = cordon ?? { source: 'app', ...cordonInfo(node) };
  const by = info.source === 'outside' ? undefined : info.by;
  return (
    <p
      data-testid="cordon-info"
      data-source={by ? info.source : 'outside'}
      className="mt-1 text-xs text-slate-600"
    >
      {by ? (
        <>
          Cordoned by <span className="font-medium text-slate-800">{by}</span>
          {info.source === 'audit' && ' (from the audit log)'}
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
        by && ', no reason given'
      )}
    </p>
  );
}
