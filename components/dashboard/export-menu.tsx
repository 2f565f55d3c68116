'use client';
import { useEffect, useId, useRef, useState } from 'react';
import { exportUrl } from '@/lib/client/export-url';
import { exportFormats } from '@/lib/protocol/node-export';
import type { NodeQuery } from '@/lib/protocol/node-query';
import { compileNodeFilter } from '@/lib/shared/node-query';

const labels = { csv: 'CSV', yaml: 'YAML' } as const;

/**
 * "Export" with CSV and YAML of the current view: plain download links to the export route with the
 * view's query, so the browser streams the server's file (the cookie authenticates a same-origin GET).
 * `cluster` null: every cluster (the all-clusters view).
 */
/** The view ignores a malformed filter field (and says so); the server would refuse the file (400). */
function invalidField(query: NodeQuery): string | null {
  try {
    compileNodeFilter(query);
    return null;
  } catch (e) {
    return (e as { field?: string }).field ?? 'filter';
  }
}

export function ExportMenu({ cluster, query }: { cluster: string | null; query: NodeQuery }) {
  const [open, setOpen] = useState(false);
  const invalid = invalidField(query);
  const id = useId();
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!open) return;
    const close = (e: Event) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !root.current?.contains(e.target as Node))
        setOpen(false);
    };
    document.addEventListener('keydown', close);
    document.addEventListener('pointerdown', close);
    return () => {
      document.removeEventListener('keydown', close);
      document.removeEventListener('pointerdown', close);
    };
  }, [open]);
  return (
    <div ref={root} className="relative">
      <button
        type="button"
        data-testid="export-menu"
        aria-expanded={open}
        aria-controls={id}
        disabled={invalid !== null}
        title={invalid ? `Fix the ${invalid} filter to export` : undefined}
        onClick={() => setOpen((o) => !o)}
        className="inline-flex items-center gap-1 rounded border border-slate-300 bg-white px-2 py-0.5 text-xs font-medium text-slate-700 hover:bg-slate-50 disabled:cursor-not-allowed disabled:text-slate-500 focus-visible:outline-2 focus-visible:outline-sky-500"
      >
        Export <span aria-hidden>▾</span>
      </button>
      {open && !invalid && (
        <ul
          id={id}
          aria-label="Export the current view"
          className="absolute right-0 z-40 mt-1 min-w-32 rounded border border-slate-200 bg-white py-1 text-xs shadow-lg"
        >
          {exportFormats.map((f) => (
            <li key={f}>
              <a
                href={exportUrl(cluster, query, f)}
                download
                data-testid={`export-${f}`}
                onClick={() => setOpen(false)}
                className="block px-3 py-1 text-slate-700 hover:bg-slate-100 focus-visible:bg-slate-100 focus-visible:outline-none"
              >
                {labels[f]}
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
