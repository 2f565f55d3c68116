'use client';
import type { FilterResult } from '@/lib/client/node-filter';
import { formatNodeQuery, type NodeQuery } from '@/lib/protocol/node-query';
import { nodeStatusSchema, type NodeStatus } from '@/lib/protocol/node-summary';
import { Select, TextInput } from '@/components/ui/field';
import { Button } from '@/components/ui/button';

export function FilterBar({
  filters,
  roles,
  errors,
  onChange,
  onReset,
}: {
  filters: NodeQuery;
  roles: readonly string[];
  errors: FilterResult['errors'];
  onChange: <K extends keyof NodeQuery>(key: K, value: NodeQuery[K]) => void;
  onReset: () => void;
}) {
  // any filter set (the sort is not a filter)
  const dirty = formatNodeQuery({ ...filters, sort: 'name', dir: 'asc' }) !== '';
  const schedulable = filters.schedulable === null ? 'all' : filters.schedulable ? 'schedulable' : 'cordoned';
  return (
    <div className="flex flex-wrap items-start gap-2" data-testid="filter-bar">
      <TextInput
        aria-label="Search nodes"
        data-testid="filter-text"
        placeholder="Search name, IP, label…"
        value={filters.text}
        onChange={(e) => onChange('text', e.target.value)}
        className="w-56"
      />
      <Select
        aria-label="Status"
        data-testid="filter-status"
        value={filters.status.length === 1 ? filters.status[0] : 'all'}
        onChange={(e) => onChange('status', e.target.value === 'all' ? [] : [e.target.value as NodeStatus])}
      >
        <option value="all">Any status</option>
        {nodeStatusSchema.options.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
      </Select>
      <Select
        aria-label="Role"
        data-testid="filter-role"
        value={filters.role}
        onChange={(e) => onChange('role', e.target.value)}
      >
        <option value="">Any role</option>
        {roles.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </Select>
      <Select
        aria-label="Schedulable"
        data-testid="filter-schedulable"
        value={schedulable}
        onChange={(e) =>
          onChange('schedulable', e.target.value === 'all' ? null : e.target.value === 'schedulable')
        }
      >
        <option value="all">Schedulable or not</option>
        <option value="schedulable">Schedulable</option>
        <option value="cordoned">Cordoned</option>
      </Select>
      <div className="flex flex-col">
        <TextInput
          aria-label="Label selector"
          data-testid="filter-selector"
          placeholder="Label selector: zone in (a,b),!gpu"
          value={filters.labelSelector}
          aria-invalid={errors.labelSelector ? true : undefined}
          onChange={(e) => onChange('labelSelector', e.target.value)}
          className="w-72 font-mono"
        />
        {errors.labelSelector && (
          <span className="mt-0.5 text-[11px] text-rose-600">{errors.labelSelector}</span>
        )}
      </div>
      <div className="flex flex-col">
        <TextInput
          aria-label="Taint filter"
          data-testid="filter-taint"
          placeholder="Taint: key[:Effect], !key, tainted"
          value={filters.taint}
          aria-invalid={errors.taint ? true : undefined}
          onChange={(e) => onChange('taint', e.target.value)}
          className="w-60 font-mono"
        />
        {errors.taint && <span className="mt-0.5 text-[11px] text-rose-600">{errors.taint}</span>}
      </div>
      {dirty && (
        <Button variant="ghost" onClick={onReset} data-testid="filter-reset">
          Clear filters
        </Button>
      )}
    </div>
  );
}
