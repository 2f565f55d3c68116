'use client';
import { useId, useState, type ComponentProps, type ReactNode } from 'react';
import { clearFilters, type NodeQueryUrl } from '@/lib/client/use-node-query-url';
import { defaultNodeQuery, type NodeQuery } from '@/lib/protocol/node-query';
import { FilterBar } from './filter-bar';

const filterFields = ['text', 'labelSelector', 'taint', 'status', 'role', 'schedulable'] as const;

/** How many filters differ from the defaults (shown on the collapsed button); sorting is not a filter. */
export function activeFilterCount(query: NodeQuery): number {
  return filterFields.filter((k) => JSON.stringify(query[k]) !== JSON.stringify(defaultNodeQuery[k])).length;
}

/**
 * The filter bar's frame. Below 1024 px (tablets) it collapses behind a "Filters" button that shows how
 * many filters are active, so the table keeps the screen; from 1024 px it is always open.
 */
export function CollapsibleFilters({ active, children }: { active: number; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <div className="border-b border-slate-200 bg-slate-50 px-4 py-2">
      <button
        type="button"
        aria-expanded={open}
        aria-controls={id}
        data-testid="filters-toggle"
        onClick={() => setOpen((o) => !o)}
        className="rounded border border-slate-300 bg-white px-2.5 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100 lg:hidden"
      >
        {open ? '▾' : '▸'} Filters{active ? ` (${active} active)` : ''}
      </button>
      <div id={id} className={`${open ? 'max-lg:mt-2' : 'max-lg:hidden'}`}>
        {children}
      </div>
    </div>
  );
}

/** The filter bar bound to the page URL's node query, collapsible: the dashboard and the all-clusters view. */
export function UrlQueryFilters({
  url,
  roles,
  errors,
}: {
  url: Pick<NodeQueryUrl, 'query' | 'setQuery'>;
  roles: string[];
  errors: ComponentProps<typeof FilterBar>['errors'];
}) {
  return (
    <CollapsibleFilters active={activeFilterCount(url.query)}>
      <FilterBar
        filters={url.query}
        roles={roles}
        errors={errors}
        onChange={(key, value) => url.setQuery({ ...url.query, [key]: value })}
        onReset={() => url.setQuery(clearFilters(url.query))}
      />
    </CollapsibleFilters>
  );
}
