'use client';
import { useEffect, useId, useRef, useState } from 'react';
import { toggleColumn, useColumnStore } from '@/lib/client/column-store';
import { Button } from '@/components/ui/button';
import { defaultColumnIds, nodeColumns, shownColumns } from './node-columns';

const order = nodeColumns.map((c) => c.id);

/** "Columns": a checkbox per optional column of the node table; the choice persists in this browser. */
export function ColumnChooser() {
  const chosen = useColumnStore((s) => s.chosen);
  const setChosen = useColumnStore((s) => s.setChosen);
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const panelId = useId();
  const shown = new Set(shownColumns(chosen).map((c) => c.id));

  useEffect(() => {
    if (!open) return;
    const onDown = (e: PointerEvent) => {
      if (!box.current?.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      // the node panel also closes on Escape; the menu goes first
      e.preventDefault();
      setOpen(false);
    };
    document.addEventListener('pointerdown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div ref={box} className="relative" data-testid="column-chooser">
      <Button aria-expanded={open} aria-controls={panelId} onClick={() => setOpen((o) => !o)}>
        Columns
      </Button>
      {open && (
        <fieldset
          id={panelId}
          className="absolute right-0 z-40 mt-1 w-56 rounded border border-slate-200 bg-white p-2 text-xs shadow-lg"
        >
          <legend className="sr-only">Columns shown in the node table</legend>
          <ul className="grid gap-0.5">
            {nodeColumns.map((c) => (
              <li key={c.id}>
                <label className="flex items-center gap-2 rounded px-1 py-0.5 text-slate-700 hover:bg-slate-50">
                  <input
                    type="checkbox"
                    className="size-3.5 accent-sky-600"
                    checked={shown.has(c.id)}
                    disabled={c.required}
                    data-column={c.id}
                    onChange={(e) => setChosen(toggleColumn([...shown], c.id, e.target.checked, order))}
                  />
                  {c.name ?? c.label}
                </label>
              </li>
            ))}
          </ul>
          <button
            type="button"
            className="mt-2 text-sky-700 hover:underline"
            onClick={() => setChosen([...defaultColumnIds])}
          >
            Reset to defaults
          </button>
        </fieldset>
      )}
    </div>
  );
}
