'use client';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { errorMessage } from '@/lib/client/api-fetch';
import { useColumnStore } from '@/lib/client/column-store';
import { useNodeUsage } from '@/lib/client/use-node-usage';
import type { NodeRow } from '@/lib/protocol/window';
import { shownColumns } from './node-columns';

/**
 * The columns the user chose and, when a usage column is among them, usage for the rows on screen:
 * asked after scrolling settles, for those rows only (metrics cannot be watched, so they are sampled).
 * `onVisibleRange` chains the table's range to the rows source's own (which moves a live window).
 */
export function useTableColumns(
  cluster: string | null,
  rowAt: (i: number) => NodeRow | undefined,
  sourceRange?: (start: number, end: number) => void,
) {
  const chosen = useColumnStore((s) => s.chosen);
  useEffect(() => void useColumnStore.persist.rehydrate(), []);
  const columns = useMemo(() => shownColumns(chosen), [chosen]);
  const wantsUsage = columns.some((c) => c.id === 'cpuUsage' || c.id === 'memoryUsage');
  const [range, setRange] = useState<[number, number]>([0, 0]);
  const onVisibleRange = useCallback(
    (start: number, end: number) => {
      sourceRange?.(start, end);
      setRange([start, end]);
    },
    [sourceRange],
  );
  const [visibleNames, setVisibleNames] = useState<string[]>([]);
  useEffect(() => {
    const t = setTimeout(() => {
      const names: string[] = [];
      if (wantsUsage)
        for (let i = range[0]; i < range[1]; i++) {
          const r = rowAt(i);
          if (r) names.push(r.name);
        }
      setVisibleNames(names);
    }, 150);
    return () => clearTimeout(t);
  }, [rowAt, range, wantsUsage]);
  const usage = useNodeUsage(cluster, visibleNames);
  const usageOf = useCallback((name: string) => usage.data?.usage[name], [usage.data]);
  const usageNote =
    usage.data?.unavailable?.message ??
    (usage.error
      ? `Usage could not be read: ${errorMessage(usage.error)}`
      : usage.data
        ? 'The metrics server reported no usage for this node yet'
        : 'Loading usage…');
  return { columns, onVisibleRange, usageOf, usageNote };
}
