'use client';
import type { FilterResult, NodeFilters } from '@/lib/client/node-filter';
import { emptyFilters } from '@/lib/client/node-filter';
import { Select, TextInput } from '@/components/ui/field';
import { Button } from '@/components/ui/button';

export function FilterBar({
  filters,
  roles,
  errors,
  onChange,
  onReset,
}: {
  filters: NodeFilters;
  roles: readonly string[];
  errors: FilterResult['errors'];
  onChange: <K extends keyof NodeFilters>(key: K, value: NodeFilters[K]) => void;
  onReset: () => void;
}) {
  const dirty = JSON.stringify(filters) !== JSON.stringify(emptyFilters);
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
        value={filters.status}
        onChange={(e) => onChange('status', e.target.value as NodeFilters['status'])}
      >
        <option value="all">Any status</option>
        <option value="Ready">Ready</option>
        <option value="NotReady">NotReady</option>
        <option value="Unknown">Unknown</option>
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
        value={filters.schedulable}
        onChange={(e) => onChange('schedulable', e.target.value as NodeFilters['schedulable'])}
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
