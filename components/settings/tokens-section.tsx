'use client';
import { useState } from 'react';
import { useCreateToken, useRevokeToken, useTokens, type ApiToken } from '@/lib/client/use-account';
import { Button } from '@/components/ui/button';
import { ErrorBox } from '@/components/ui/error-box';
import { Field, Select, TextInput } from '@/components/ui/field';
import { SettingsCard } from './settings-card';

const date = new Intl.DateTimeFormat('en', { dateStyle: 'medium' });
const when = (t: number | null) => (t === null ? '—' : date.format(t));

function state(t: ApiToken): string {
  if (t.revokedAt) return 'revoked';
  if (t.expiresAt !== null && t.expiresAt < Date.now()) return 'expired';
  return 'active';
}

/** Personal API tokens: create (plaintext shown once), list, revoke. */
export function TokensSection() {
  const tokens = useTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  const [name, setName] = useState('');
  const [scope, setScope] = useState<'read' | 'write'>('read');
  const [days, setDays] = useState('90');
  const daysNum = days.trim() === '' ? undefined : Number(days);
  const daysError =
    daysNum !== undefined && (!Number.isInteger(daysNum) || daysNum < 1 || daysNum > 3650)
      ? 'expiry must be 1–3650 days, or blank'
      : null;

  return (
    <SettingsCard
      title="API tokens"
      description="For scripts and CI: send as `Authorization: Bearer <token>`."
      testId="tokens-section"
    >
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(
            { name: name.trim(), scope, ...(daysNum !== undefined ? { expiresInDays: daysNum } : {}) },
            { onSuccess: () => setName('') },
          );
        }}
      >
        <Field label="Name">
          <TextInput
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. ci-pipeline"
            className="w-48"
          />
        </Field>
        <Field label="Scope">
          <Select value={scope} onChange={(e) => setScope(e.target.value as 'read' | 'write')}>
            <option value="read">read</option>
            <option value="write">write</option>
          </Select>
        </Field>
        <Field label="Expires in (days)" error={daysError}>
          <TextInput
            inputMode="numeric"
            value={days}
            onChange={(e) => setDays(e.target.value)}
            className="w-28"
          />
        </Field>
        <Button type="submit" variant="primary" disabled={!name.trim() || !!daysError || create.isPending}>
          Create token
        </Button>
      </form>
      <ErrorBox error={create.error} />
      {create.data && (
        <div
          className="rounded border border-emerald-200 bg-emerald-50 p-2 text-xs text-emerald-900"
          data-testid="new-token"
        >
          Copy this token now; it is not shown again:
          <code className="mt-1 block rounded bg-white px-2 py-1 font-mono text-[11px] break-all select-all">
            {create.data.token}
          </code>
        </div>
      )}
      <ErrorBox error={tokens.error ?? revoke.error} />
      <table className="w-full text-xs">
        <thead className="text-left text-[11px] text-slate-500 uppercase">
          <tr>
            <th className="py-1">Name</th>
            <th>Prefix</th>
            <th>Scope</th>
            <th>Created</th>
            <th>Expires</th>
            <th>Last used</th>
            <th>State</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {tokens.data?.map((t) => (
            <tr key={t.id} className="border-t border-slate-100">
              <td className="py-1.5 font-medium">{t.name}</td>
              <td className="font-mono text-[11px] text-slate-500">{t.prefix}…</td>
              <td>{t.scope}</td>
              <td>{when(t.createdAt)}</td>
              <td>{when(t.expiresAt)}</td>
              <td>{when(t.lastUsedAt)}</td>
              <td className={state(t) === 'active' ? 'text-emerald-700' : 'text-slate-500'}>{state(t)}</td>
              <td className="text-right">
                {state(t) === 'active' && (
                  <Button variant="ghost" onClick={() => revoke.mutate(t.id)} disabled={revoke.isPending}>
                    Revoke
                  </Button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {tokens.data?.length === 0 && <p className="text-xs text-slate-500">No tokens yet.</p>}
    </SettingsCard>
  );
}
