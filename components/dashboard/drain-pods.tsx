'use client';
import { podStateText } from '@/lib/client/drain-pod-text';
import type { DrainPodProgress } from '@/lib/protocol/messages';

const stateClass: Record<DrainPodProgress['state'], string> = {
  evicting: 'text-sky-700',
  waiting_pdb: 'text-amber-800 font-medium',
  terminating: 'text-slate-600',
  gone: 'text-emerald-700',
  failed: 'text-rose-700 font-medium',
};

/** Per-pod progress of the nodes being drained, pushed as operation progress. */
export function DrainPods({ pods }: { pods: Record<string, DrainPodProgress[]> }) {
  const nodes = Object.entries(pods).filter(([, list]) => list.length > 0);
  if (nodes.length === 0) return null;
  return (
    <div className="flex max-h-56 flex-col gap-2 overflow-auto text-[11px]" data-testid="drain-pods">
      {nodes.map(([node, list]) => (
        <div key={node}>
          <div className="font-medium text-slate-700">{node}</div>
          <ul className="ml-2">
            {list.map((p) => (
              <li
                key={`${p.namespace}/${p.name}`}
                className="flex gap-2"
                data-testid="drain-pod"
                data-state={p.state}
              >
                <span className="font-mono text-slate-600">
                  {p.namespace}/{p.name}
                </span>
                <span className={stateClass[p.state]}>{podStateText(p)}</span>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  );
}
