'use client';
import { useState } from 'react';
import { signOut } from 'next-auth/react';
import { useChangePassword, useMe, useSignOutEverywhere } from '@/lib/client/use-account';
import { Button } from '@/components/ui/button';
import { ErrorBox } from '@/components/ui/error-box';
import { Field, TextInput } from '@/components/ui/field';
import { ClustersSection } from './clusters-section';
import { TokensSection } from './tokens-section';
import { UsersSection } from './users-section';

function PasswordSection() {
  const change = useChangePassword();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const mismatch = confirm !== '' && confirm !== next ? 'passwords do not match' : null;
  return (
    <section className="rounded-lg border border-slate-200 bg-white">
      <header className="border-b border-slate-200 px-4 py-2.5">
        <h2 className="text-sm font-semibold">Password</h2>
      </header>
      <form
        className="flex flex-wrap items-end gap-3 p-4"
        onSubmit={(e) => {
          e.preventDefault();
          change.mutate(
            { currentPassword: current, newPassword: next },
            {
              onSuccess: () => {
                setCurrent('');
                setNext('');
                setConfirm('');
              },
            },
          );
        }}
      >
        <Field label="Current password">
          <TextInput
            type="password"
            autoComplete="current-password"
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
        </Field>
        <Field label="New password">
          <TextInput
            type="password"
            autoComplete="new-password"
            value={next}
            onChange={(e) => setNext(e.target.value)}
          />
        </Field>
        <Field label="Confirm" error={mismatch}>
          <TextInput
            type="password"
            autoComplete="new-password"
            value={confirm}
            onChange={(e) => setConfirm(e.target.value)}
          />
        </Field>
        <Button
          type="submit"
          variant="primary"
          disabled={!current || !next || next !== confirm || change.isPending}
        >
          Change password
        </Button>
        {change.isSuccess && <span className="text-xs text-emerald-700">Password changed.</span>}
        <ErrorBox error={change.error} className="w-full" />
      </form>
    </section>
  );
}

/** Ends every session of this account (other browsers, a copied cookie), then this one. */
function SessionsSection() {
  const everywhere = useSignOutEverywhere();
  return (
    <section className="rounded-lg border border-slate-200 bg-white">
      <header className="border-b border-slate-200 px-4 py-2.5">
        <h2 className="text-sm font-semibold">Sessions</h2>
      </header>
      <div className="flex flex-wrap items-center gap-3 p-4 text-xs text-slate-600">
        <span className="flex-1">
          Sign out of every browser where this account is signed in, this one included.
        </span>
        <Button
          variant="danger"
          disabled={everywhere.isPending}
          onClick={() =>
            everywhere.mutate(undefined, { onSuccess: () => void signOut({ callbackUrl: '/login' }) })
          }
        >
          Sign out everywhere
        </Button>
        <ErrorBox error={everywhere.error} className="w-full" />
      </div>
    </section>
  );
}

/** Account settings: who you are, your password, your sessions and your API tokens. */
export function SettingsView() {
  const me = useMe();
  return (
    <div className="h-full overflow-auto">
      <div className="mx-auto flex max-w-4xl flex-col gap-4 p-6">
        <h1 className="text-base font-semibold">Settings</h1>
        <section className="rounded-lg border border-slate-200 bg-white p-4 text-xs" data-testid="profile">
          <ErrorBox error={me.error} />
          {me.data && (
            <dl className="grid grid-cols-[8rem_1fr] gap-y-1">
              <dt className="text-slate-500">User</dt>
              <dd className="font-medium">{me.data.username}</dd>
              <dt className="text-slate-500">Role</dt>
              <dd>{me.data.role}</dd>
              <dt className="text-slate-500">Clusters</dt>
              <dd>{me.data.clusters === 'all' ? 'all clusters' : me.data.clusters.join(', ') || 'none'}</dd>
              <dt className="text-slate-500">Account</dt>
              <dd>{me.data.source ?? 'local'}</dd>
            </dl>
          )}
        </section>
        {me.data?.source !== 'oidc' && <PasswordSection />}
        <SessionsSection />
        <TokensSection />
        {me.data?.role === 'admin' && <UsersSection />}
        {me.data?.role === 'admin' && <ClustersSection />}
      </div>
    </div>
  );
}
