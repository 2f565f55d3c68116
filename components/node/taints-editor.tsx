'use client';
import { useState } from 'react';
import { isSystemKey } from '@/lib/client/edit-diff';
import { validateLabelKey, validateLabelValue } from '@/lib/client/label-selector';
import { useNodeAction } from '@/lib/client/use-node-mutations';
import type { NodeSummary, Taint } from '@/lib/protocol/node-summary';
import { Button } from '@/components/ui/button';
import { ErrorBox } from '@/components/ui/error-box';
import { Checkbox, Select, TextInput } from '@/components/ui/field';

const effects: Taint['effect'][] = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** Lists the node's taints with remove buttons and adds new ones; each change is one request. */
export function TaintsEditor({ cluster, node }: { cluster: string; node: NodeSummary }) {
  const [draft, setDraft] = useState<{ key: string; value: string; effect: Taint['effect'] }>({
    key: '',
    value: '',
    effect: 'NoSchedule',
  });
  const [confirmSystem, setConfirmSystem] = useState(false);
  const action = useNodeAction(cluster);
  const keyErr = draft.key ? validateLabelKey(draft.key) : null;
  const valueErr = draft.value ? validateLabelValue(draft.value) : null;
  const system = (key: string) => isSystemKey(key) && !confirmSystem;

  const send = (params: {
    add?: Omit<Taint, 'timeAdded'>[];
    remove?: { key: string; effect?: Taint['effect'] }[];
  }) =>
    action.mutate({
      node: node.name,
      action: { kind: 'taints', params: { ...params, ...(confirmSystem ? { confirmSystem: true } : {}) } },
    });

  return (
    <div className="flex flex-col gap-3" data-testid="taints-editor">
      {node.taints.length === 0 ? (
        <p className="text-xs text-slate-500">No taints.</p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded border border-slate-200">
          {node.taints.map((t) => (
            <li key={`${t.key}:${t.effect}`} className="flex items-center gap-2 px-2 py-1.5 text-xs">
              <span className="min-w-0 flex-1 truncate font-mono">
                {t.key}
                {t.value ? `=${t.value}` : ''}
              </span>
              <span className="rounded bg-violet-50 px-1.5 text-[11px] text-violet-700">{t.effect}</span>
              <Button
                variant="ghost"
                aria-label={`Remove taint ${t.key}:${t.effect}`}
                disabled={action.isPending || system(t.key)}
                title={system(t.key) ? 'System taint: unlock system keys to remove' : undefined}
                onClick={() => send({ remove: [{ key: t.key, effect: t.effect }] })}
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
      <div className="flex flex-col gap-1">
        <div className="flex items-center gap-1">
          <TextInput
            aria-label="Taint key"
            placeholder="key"
            value={draft.key}
            aria-invalid={keyErr ? true : undefined}
            onChange={(e) => setDraft({ ...draft, key: e.target.value })}
            className="w-36 font-mono"
          />
          <span className="text-slate-500">=</span>
          <TextInput
            aria-label="Taint value"
            placeholder="value (optional)"
            value={draft.value}
            aria-invalid={valueErr ? true : undefined}
            onChange={(e) => setDraft({ ...draft, value: e.target.value })}
            className="min-w-0 flex-1 font-mono"
          />
          <Select
            aria-label="Taint effect"
            value={draft.effect}
            onChange={(e) => setDraft({ ...draft, effect: e.target.value as Taint['effect'] })}
          >
            {effects.map((e) => (
              <option key={e}>{e}</option>
            ))}
          </Select>
          <Button
            variant="primary"
            data-testid="taint-add"
            disabled={!draft.key || !!keyErr || !!valueErr || action.isPending || system(draft.key)}
            onClick={() =>
              send({
                add: [
                  draft.value
                    ? { key: draft.key, value: draft.value, effect: draft.effect }
                    : { key: draft.key, effect: draft.effect },
                ],
              })
            }
          >
            Add
          </Button>
        </div>
        {(keyErr || valueErr) && <span className="text-[11px] text-rose-600">{keyErr ?? valueErr}</span>}
      </div>
      <Checkbox
        label="Unlock system keys (admin)"
        checked={confirmSystem}
        onChange={(e) => setConfirmSystem(e.target.checked)}
      />
      <ErrorBox error={action.error} />
    </div>
  );
}
