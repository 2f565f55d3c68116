'use client';
import { useState } from 'react';
import { parseClusterList, useCreateUser, useUpdateUser, useUsers, type Role } from '@/lib/client/use-users';
import { roles as protocolRoles } from '@/lib/protocol/names';
import { Button } from '@/components/ui/button';
import { ErrorBox } from '@/components/ui/error-box';
import { Field, Select, TextInput } from '@/components/ui/field';
import { SettingsCard } from './settings-card';

// least privileged first in the picker
const roles: Role[] = [...protocolRoles].reverse();

/** Admin: local users, their roles, cluster grants and whether they may sign in. */
export function UsersSection() {
  const users = useUsers(true);
  const create = useCreateUser();
  const update = useUpdateUser();
  const [form, setForm] = useState({ username: '', password: '', role: 'viewer' as Role, clusters: '' });

  return (
    <SettingsCard
      title="Users"
      description="Viewers read; operators also change nodes; admins manage everything. Admins see every cluster."
      testId="users-section"
    >
      <ErrorBox error={users.error ?? update.error} />
      <table className="w-full text-xs">
        <thead className="text-left text-[11px] text-slate-500 uppercase">
          <tr>
            <th className="py-1">User</th>
            <th>Role</th>
            <th>Clusters</th>
            <th>Source</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {users.data?.map((u) => (
            <tr
              key={u.id}
              className={`border-t border-slate-100 ${u.disabled ? 'text-slate-500' : ''}`}
              data-testid={`user-${u.username}`}
            >
              <td className="py-1.5 font-medium">{u.username}</td>
              <td>
                <Select
                  aria-label={`Role of ${u.username}`}
                  value={u.role}
                  disabled={update.isPending}
                  onChange={(e) => update.mutate({ id: u.id, role: e.target.value as Role })}
                >
                  {roles.map((r) => (
                    <option key={r}>{r}</option>
                  ))}
                </Select>
              </td>
              <td>
                {u.role === 'admin'
                  ? 'all'
                  : u.clusters.join(', ') || <span className="text-slate-500">none</span>}
              </td>
              <td>{u.source}</td>
              <td className="text-right">
                <Button
                  variant="ghost"
                  disabled={update.isPending}
                  onClick={() => update.mutate({ id: u.id, disabled: !u.disabled })}
                >
                  {u.disabled ? 'Enable' : 'Disable'}
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form
        className="flex flex-wrap items-end gap-3 border-t border-slate-100 pt-3"
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(
            {
              username: form.username.trim(),
              password: form.password,
              role: form.role,
              clusters: parseClusterList(form.clusters),
            },
            { onSuccess: () => setForm({ username: '', password: '', role: 'viewer', clusters: '' }) },
          );
        }}
      >
        <Field label="Username">
          <TextInput
            aria-label="New username"
            value={form.username}
            onChange={(e) => setForm({ ...form, username: e.target.value })}
            className="w-36"
          />
        </Field>
        <Field label="Initial password">
          <TextInput
            aria-label="New user password"
            type="password"
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
            className="w-40"
          />
        </Field>
        <Field label="Role">
          <Select
            aria-label="New user role"
            value={form.role}
            onChange={(e) => setForm({ ...form, role: e.target.value as Role })}
          >
            {roles.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </Select>
        </Field>
        <Field label="Clusters" hint="comma-separated">
          <TextInput
            aria-label="New user clusters"
            value={form.clusters}
            onChange={(e) => setForm({ ...form, clusters: e.target.value })}
            placeholder="demo, prod-eu"
            className="w-44"
          />
        </Field>
        <Button
          type="submit"
          variant="primary"
          disabled={!form.username.trim() || !form.password || create.isPending}
          data-testid="user-create"
        >
          Add user
        </Button>
      </form>
      <ErrorBox error={create.error} />
    </SettingsCard>
  );
}
