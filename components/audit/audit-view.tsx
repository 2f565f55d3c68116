'use client';
import { useDeferredValue, useState } from 'react';
import { emptyAuditFilters, useAuditLog, type AuditEntry, type AuditFilters } from '@/lib/client/use-audit';
import { Button } from '@/components/ui/button';
import { ErrorBox } from '@/components/ui/error-box';
import { Select, TextInput } from '@/components/ui/field';

const time = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'medium' });

function params(p: AuditEntry['parameters']): string {
  if (!p || Object.keys(p).length === 0) return '';
  return JSON.stringify(p);
}

/** The audit trail: who did what to which node, newest first, filterable, paged by cursor. */
export function AuditView() {
  const [filters, setFilters] = useState<AuditFilters>(emptyAuditFilters);
  // typing should not fire a request per keystroke
  const deferred = useDeferredValue(filters);
  const log = useAuditLog(deferred);
  const entries = log.data?.pages.flatMap((p) => p.items) ?? [];
  const set = <K extends keyof AuditFilters>(k: K, v: AuditFilters[K]) =>
    setFilters((f) => ({ ...f, [k]: v }));

  return (
    <div className="flex h-full min-h-0 flex-col">
      <div className="flex flex-wrap items-center gap-2 border-b border-slate-200 bg-white px-4 py-2">
        <h1 className="mr-2 text-sm font-semibold">Audit log</h1>
        <TextInput
          aria-label="User"
          placeholder="User"
          value={filters.user}
          onChange={(e) => set('user', e.target.value)}
          className="w-36"
        />
        <TextInput
          aria-label="Cluster"
          placeholder="Cluster"
          value={filters.cluster}
          onChange={(e) => set('cluster', e.target.value)}
          className="w-36"
        />
        <TextInput
          aria-label="Action"
          placeholder="Action, e.g. node.cordon"
          value={filters.action}
          onChange={(e) => set('action', e.target.value)}
          className="w-48"
        />
        <Select
          aria-label="Result"
          value={filters.result}
          onChange={(e) => set('result', e.target.value as AuditFilters['result'])}
        >
          <option value="">Any result</option>
          <option value="success">Success</option>
          <option value="failure">Failure</option>
          <option value="pending">Outcome not recorded</option>
          <option value="partial">Partially failed</option>
          <option value="stopped">Stopped at failure limit</option>
          <option value="cancelled">Cancelled</option>
          <option value="interrupted">Interrupted</option>
          <option value="denied">Denied by the cluster</option>
        </Select>
      </div>
      <div className="min-h-0 flex-1 overflow-auto bg-white">
        {log.error && <ErrorBox error={log.error} className="m-4" />}
        <table className="w-full text-xs" data-testid="audit-table">
          <thead className="sticky top-0 bg-slate-100 text-left text-[11px] font-semibold tracking-wide text-slate-600 uppercase">
            <tr>
              <th className="px-4 py-2">Time</th>
              <th className="px-2">User</th>
              <th className="px-2">Action</th>
              <th className="px-2">Cluster</th>
              <th className="px-2">Target</th>
              <th className="px-2">Result</th>
              <th className="px-2">Details</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr
                key={e.id}
                className="border-b border-slate-100 align-top hover:bg-slate-50"
                data-testid="audit-row"
              >
                <td className="px-4 py-1.5 whitespace-nowrap text-slate-500 tabular-nums">
                  {time.format(e.at)}
                </td>
                <td className="px-2 py-1.5">
                  {e.username ?? <span className="text-slate-500">anonymous</span>}
                </td>
                <td className="px-2 py-1.5 font-mono text-[11px]">{e.action}</td>
                <td className="px-2 py-1.5">{e.cluster}</td>
                <td className="max-w-48 truncate px-2 py-1.5" title={e.target ?? ''}>
                  {e.target}
                </td>
                <td className="px-2 py-1.5">
                  <span
                    className={
                      e.result === 'success'
                        ? 'text-emerald-700'
                        : e.result === 'failure'
                          ? 'font-semibold text-rose-700'
                          : 'font-semibold text-amber-700'
                    }
                  >
                    {e.result}
                  </span>
                </td>
                <td className="max-w-96 px-2 py-1.5 font-mono text-[11px] break-all text-slate-500">
                  {e.error && (
                    <div
                      className={e.result === 'failure' ? 'text-rose-700' : 'text-amber-800'}
                      data-testid="audit-summary"
                    >
                      {e.error}
                    </div>
                  )}
                  {params(e.parameters)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {log.isPending && <p className="p-4 text-xs text-slate-500">Loading…</p>}
        {log.data && entries.length === 0 && <p className="p-4 text-xs text-slate-500">No entries match.</p>}
        {log.hasNextPage && (
          <div className="p-3 text-center">
            <Button onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
              {log.isFetchingNextPage ? 'Loading…' : 'Load more'}
            </Button>
          </div>
        )}
      </div>
    </div>
  );
}
