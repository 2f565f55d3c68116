'use client';
import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartData } from '@/lib/client/health-series';

export interface ChartSeries {
  label: string;
  color: string;
}

const DEFAULT_WINDOW_SECONDS = 15 * 60;
const HEIGHT = 110;

function formatValue(v: number | null, unit: string): string {
  return v === null ? '–' : `${Number(v.toPrecision(3))}${unit ? ` ${unit}` : ''}`;
}

function options(
  width: number,
  series: ChartSeries[],
  windowSeconds: number,
  minWindowSeconds: number,
): uPlot.Options {
  return {
    width,
    height: HEIGHT,
    // the whole window (a fresh start fills in from the right), or, from minWindowSeconds on, only
    // the part that has data, so the first minutes of a long window are a line, not a dot
    scales: {
      x: {
        time: true,
        range: (_u, min, max) => [max - Math.min(windowSeconds, Math.max(minWindowSeconds, max - min)), max],
      },
      y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
    },
    axes: [
      {
        stroke: '#64748b',
        size: 22,
        font: '10px sans-serif',
        grid: { stroke: 'rgba(100, 116, 139, 0.18)' }, // faint on light and dark alike
        ticks: { show: false },
        // one line of hours:minutes (uPlot's default adds a second line with the date)
        values: (_u, vals) =>
          vals.map((v) => new Date(v * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })),
      },
      {
        stroke: '#64748b',
        size: 44,
        font: '10px sans-serif',
        grid: { stroke: 'rgba(100, 116, 139, 0.18)' }, // faint on light and dark alike
        ticks: { show: false },
        values: (_u, vals) => vals.map((v) => Number(v.toPrecision(3)).toString()),
      },
    ],
    series: [
      {},
      ...series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 1.5,
        points: { show: false },
      })),
    ],
    cursor: { drag: { x: false, y: false } },
    // the legend below is ours: it shows the latest values, uPlot's only the hovered ones
    legend: { show: false },
  };
}

/**
 * A small live line chart (uPlot) of a time window (the health page's 15 minutes, a node's hour). The chart is built once per mount and
 * fed new columns with setData; its width follows the container.
 */
export function TimeChart({
  title,
  series,
  data,
  unit = '',
  testId,
  windowSeconds = DEFAULT_WINDOW_SECONDS,
  minWindowSeconds = windowSeconds,
}: {
  title: string;
  series: ChartSeries[];
  data: ChartData;
  unit?: string;
  testId: string;
  windowSeconds?: number;
  /** narrowest x range while the data covers less of the window */
  minWindowSeconds?: number;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(data);
  const key = series.map((s) => s.label).join('|') + unit + windowSeconds + minWindowSeconds;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let disposed = false;
    let observer: ResizeObserver | undefined;
    // uPlot draws on a canvas: load it in the browser, after mount, and keep it out of the server bundle
    void import('uplot').then(({ default: UPlot }) => {
      if (disposed) return;
      const u = new UPlot(
        options(Math.max(160, el.clientWidth), series, windowSeconds, minWindowSeconds),
        latest.current,
        el,
      );
      plot.current = u;
      observer = new ResizeObserver(() =>
        u.setSize({ width: Math.max(160, el.clientWidth), height: HEIGHT }),
      );
      observer.observe(el);
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // rebuilt only when the series change; data flows through setData below
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  useEffect(() => {
    latest.current = data;
    plot.current?.setData(data);
  }, [data]);

  const last = data.slice(1).map((col) => col[col.length - 1] ?? null);
  return (
    <figure
      className="min-w-0"
      data-testid={testId}
      data-points={data[0].length}
      data-last={JSON.stringify(last)}
    >
      <figcaption className="mb-1 text-[11px] font-medium text-slate-600">{title}</figcaption>
      <div ref={box} className="w-full" />
      <ul className="mt-1 flex flex-wrap gap-x-3 text-[11px] text-slate-600">
        {series.map((s, i) => (
          <li key={s.label} className="flex items-center gap-1">
            <span className="inline-block size-2 rounded-full" style={{ background: s.color }} aria-hidden />
            {s.label}
            <span className="font-medium tabular-nums text-slate-900" data-testid="latest">
              {formatValue(last[i] ?? null, unit)}
            </span>
          </li>
        ))}
      </ul>
    </figure>
  );
}
