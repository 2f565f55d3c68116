'use client';
import { useId, useState, type ReactNode } from 'react';
import { emptyFilters, type NodeFilters } from '@/lib/client/node-filter';

/** How many filters differ from the defaults (shown on the collapsed button). */
export function activeFilterCount(filters: NodeFilters): number {
  return (Object.keys(emptyFilters) as (keyof NodeFilters)[]).filter(
    (k) => JSON.stringify(filters[k]) !== JSON.stringify(emptyFilters[k]),
  ).length;
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
