'use client';
import { useEffect, useState } from 'react';
import {
  useAddCluster,
  useRemoveCluster,
  useSetIdentityMode,
  useTestCluster,
  type AddClusterInput,
} from '@/lib/client/use-cluster-admin';
import { CLUSTER_NAME_RULE, isClusterName } from '@/lib/protocol/names';
import { useClusters } from '@/lib/client/use-nodes';
import { Button } from '@/components/ui/button';
import { ErrorBox } from '@/components/ui/error-box';
import { Field, TextInput } from '@/components/ui/field';
import { IDENTITY_MODES, type IdentityMode } from '@/lib/protocol/identity';
import { SettingsCard } from './settings-card';

const modeHint: Record<IdentityMode, string> = {
  shared: "the kubeconfig's identity for everyone; the app's roles decide",
  impersonate: "impersonates each user: the cluster's RBAC decides too",
  'oidc-token': "sends each user's own OIDC ID token (the cluster trusts the same issuer)",
};

function ModeSelect(props: {
  value: IdentityMode;
  onChange(m: IdentityMode): void;
  label: string;
  disabled?: boolean;
}) {
  return (
    <select
      aria-label={props.label}
      value={props.value}
      disabled={props.disabled}
      title={modeHint[props.value]}
      onChange={(e) => props.onChange(e.target.value as IdentityMode)}
      className="rounded border border-slate-300 px-1 py-0.5 text-xs"
    >
      {IDENTITY_MODES.map((m) => (
        <option key={m} value={m}>
          {m}
        </option>
      ))}
    </select>
  );
}

/** Admin: registered clusters with status; add one from a kubeconfig (tested first) or remove one. */
export function ClustersSection() {
  const clusters = useClusters();
  const test = useTestCluster();
  const add = useAddCluster();
  const remove = useRemoveCluster();
  const setMode = useSetIdentityMode();
  const [form, setForm] = useState<AddClusterInput>({ name: '', kubeconfig: '' });
  const [confirming, setConfirming] = useState<string | null>(null);
  const nameError = form.name && !isClusterName(form.name) ? CLUSTER_NAME_RULE : null;
  const body = (): AddClusterInput => ({
    name: form.name.trim(),
    kubeconfig: form.kubeconfig,
    ...(form.displayName?.trim() ? { displayName: form.displayName.trim() } : {}),
    ...(form.context?.trim() ? { context: form.context.trim() } : {}),
    ...(form.identityMode ? { identityMode: form.identityMode } : {}),
  });
  const ready = form.name && !nameError && form.kubeconfig.trim();
  // a connection test speaks for the form as it was tested: editing it, or adding the cluster (which
  // empties the form), clears "Reachable"
  const resetTest = test.reset;
  useEffect(() => resetTest(), [form.name, form.kubeconfig, form.context, resetTest]);

  return (
    <SettingsCard
      title="Clusters"
      description="Kubeconfigs are reduced to one context, tested, and stored encrypted."
      testId="clusters-section"
    >
      <ErrorBox error={clusters.error ?? remove.error ?? setMode.error} />
      <table className="w-full text-xs">
        <thead className="text-left text-[11px] text-slate-500 uppercase">
          <tr>
            <th className="py-1">Name</th>
            <th>Kind</th>
            <th>Identity</th>
            <th>Status</th>
            <th>Nodes</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {clusters.data?.map((c) => (
            <tr key={c.name} className="border-t border-slate-100">
              <td className="py-1.5 font-medium">{c.name}</td>
              <td>{c.kind}</td>
              <td>
                <ModeSelect
                  label={`Identity mode of ${c.name}`}
                  value={c.identityMode ?? 'shared'}
                  disabled={setMode.isPending}
                  onChange={(identityMode) => setMode.mutate({ name: c.name, identityMode })}
                />
              </td>
              <td title={c.error}>
                {c.status}
                {c.error && <span className="ml-1 text-rose-600">({c.error})</span>}
              </td>
              <td className="tabular-nums">
                {c.ready}/{c.nodes}
              </td>
              <td className="text-right">
                {confirming === c.name ? (
                  <span className="inline-flex gap-1">
                    <Button
                      variant="danger"
                      disabled={remove.isPending}
                      onClick={() => remove.mutate(c.name, { onSettled: () => setConfirming(null) })}
                    >
                      Remove {c.name}
                    </Button>
                    <Button variant="ghost" onClick={() => setConfirming(null)}>
                      Cancel
                    </Button>
                  </span>
                ) : (
                  <Button variant="ghost" onClick={() => setConfirming(c.name)}>
                    Remove
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="flex flex-col gap-2 border-t border-slate-100 pt-3"
        onSubmit={(e) => {
          e.preventDefault();
          add.mutate(body(), { onSuccess: () => setForm({ name: '', kubeconfig: '' }) });
        }}
      >
        <h3 className="text-xs font-semibold text-slate-700">Add a cluster</h3>
        <div className="flex flex-wrap gap-3">
          <Field label="Name" error={nameError}>
            <TextInput
              value={form.name}
              onChange={(e) => setForm({ ...form, name: e.target.value })}
              placeholder="prod-eu"
            />
          </Field>
          <Field label="Display name (optional)">
            <TextInput
              value={form.displayName ?? ''}
              onChange={(e) => setForm({ ...form, displayName: e.target.value })}
            />
          </Field>
          <Field label="Context (optional)" hint="default: current-context">
            <TextInput
              value={form.context ?? ''}
              onChange={(e) => setForm({ ...form, context: e.target.value })}
            />
          </Field>
          <Field label="Identity" hint={modeHint[form.identityMode ?? 'shared']}>
            <ModeSelect
              label="Identity mode"
              value={form.identityMode ?? 'shared'}
              onChange={(identityMode) => setForm({ ...form, identityMode })}
            />
          </Field>
        </div>
        <Field label="Kubeconfig">
          <textarea
            rows={6}
            spellCheck={false}
            value={form.kubeconfig}
            onChange={(e) => setForm({ ...form, kubeconfig: e.target.value })}
            className="rounded border border-slate-300 px-2 py-1 font-mono text-[11px] focus:border-sky-500 focus:outline-none"
            placeholder="apiVersion: v1&#10;kind: Config&#10;…"
          />
        </Field>
        <input
          type="file"
          aria-label="Upload kubeconfig"
          className="text-xs"
          onChange={(e) =>
            void e.target.files?.[0]?.text().then((kubeconfig) => setForm((f) => ({ ...f, kubeconfig })))
          }
        />
        <div className="flex items-center gap-2">
          <Button disabled={!ready || test.isPending} onClick={() => test.mutate(body())}>
            {test.isPending ? 'Testing…' : 'Test connection'}
          </Button>
          <Button type="submit" variant="primary" disabled={!ready || add.isPending}>
            {add.isPending ? 'Adding…' : 'Add cluster'}
          </Button>
          {test.data && (
            <span className="text-xs text-emerald-700" data-testid="cluster-test-result">
              Reachable{test.data.version ? `: ${test.data.version}` : ''}
              {test.data.latencyMs !== undefined ? `, ${test.data.latencyMs} ms` : ''}
            </span>
          )}
        </div>
        <ErrorBox error={test.error ?? add.error} />
      </form>
    </SettingsCard>
  );
}
