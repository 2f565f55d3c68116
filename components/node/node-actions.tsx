'use client';
import { useState } from 'react';
import { useClusterRefusal } from '@/lib/client/use-cluster-permissions';
import { useDrainNode, useNodeAction, type DrainOptions } from '@/lib/client/use-node-mutations';
import { OperationProgress } from '@/components/dashboard/operation-progress';
import type { NodeSummary } from '@/lib/protocol/node-summary';
import { Button } from '@/components/ui/button';
import { ErrorBox } from '@/components/ui/error-box';
import { Field, TextInput } from '@/components/ui/field';
import { defaultDrainOptions, DrainOptionsForm, drainOptionsValid } from './drain-options';

/** Cordon (with a reason), uncordon and drain for one node. */
export function NodeActions({ cluster, node }: { cluster: string; node: NodeSummary }) {
  const [reason, setReason] = useState('');
  const [drain, setDrain] = useState<DrainOptions>(defaultDrainOptions);
  const [confirmDrain, setConfirmDrain] = useState(false);
  const action = useNodeAction(cluster);
  const drainOp = useDrainNode(cluster);
  const busy = action.isPending || drainOp.isPending;
  const pendingKind = busy ? action.variables?.action.kind : undefined;
  // the cluster's own RBAC (impersonate / oidc-token modes): refused actions are disabled, with its reason
  const patchRefused = useClusterRefusal(cluster, ['patch-nodes']);
  const drainRefused = useClusterRefusal(cluster, ['patch-nodes', 'evict-pods']);

  return (
    <div className="flex flex-col gap-4" data-testid="node-actions">
      <section className="flex flex-col gap-2">
        <h3 className="text-xs font-semibold text-slate-700">Scheduling</h3>
        {patchRefused && (
          <p className="text-xs text-rose-700" data-testid="patch-refused">
            {patchRefused}
          </p>
        )}
        {node.unschedulable ? (
          <div className="flex items-center gap-2">
            <span className="text-xs text-slate-600">Cordoned: no new pods are scheduled here.</span>
            <Button
              variant="primary"
              data-testid="uncordon"
              disabled={busy || !!patchRefused}
              title={patchRefused}
              onClick={() => action.mutate({ node: node.name, action: { kind: 'uncordon', params: {} } })}
            >
              {pendingKind === 'uncordon' ? 'Uncordoning…' : 'Uncordon'}
            </Button>
          </div>
        ) : (
          <div className="flex items-end gap-2">
            <Field label="Reason (optional, audited)">
              <TextInput
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                placeholder="e.g. hardware check"
                className="w-64"
              />
            </Field>
            <Button
              data-testid="cordon"
              disabled={busy || !!patchRefused}
              title={patchRefused}
              onClick={() =>
                action.mutate({
                  node: node.name,
                  action: { kind: 'cordon', params: reason.trim() ? { reason: reason.trim() } : {} },
                })
              }
            >
              {pendingKind === 'cordon' ? 'Cordoning…' : 'Cordon'}
            </Button>
          </div>
        )}
      </section>
      <section className="flex flex-col gap-2">
        <h3 className="text-xs font-semibold text-slate-700">Drain</h3>
        <DrainOptionsForm value={drain} onChange={setDrain} />
        {confirmDrain ? (
          <div className="flex items-center gap-2 rounded border border-rose-200 bg-rose-50 px-2 py-1.5 text-xs text-rose-800">
            Evict all pods from {node.name}?
            <Button
              variant="danger"
              data-testid="drain-confirm"
              disabled={busy}
              onClick={() => {
                setConfirmDrain(false);
                drainOp.mutate({ node: node.name, options: drain });
              }}
            >
              Drain now
            </Button>
            <Button variant="ghost" onClick={() => setConfirmDrain(false)}>
              Cancel
            </Button>
          </div>
        ) : (
          <div>
            <Button
              variant="danger"
              data-testid="drain"
              disabled={busy || !drainOptionsValid(drain) || !!drainRefused}
              title={drainRefused}
              onClick={() => setConfirmDrain(true)}
            >
              {drainOp.isPending ? 'Starting drain…' : 'Drain…'}
            </Button>
            {drainRefused && (
              <p className="mt-1 text-xs text-rose-700" data-testid="drain-refused">
                {drainRefused}
              </p>
            )}
          </div>
        )}
        {drainOp.data && <OperationProgress id={drainOp.data.id} />}
        <ErrorBox error={drainOp.error} />
      </section>
      <ErrorBox error={action.error} />
    </div>
  );
}
