'use client';
import { useEffect, useRef } from 'react';
import type uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { ChartData } from '@/lib/client/health-series';

export interface ChartSeries {
  label: string;
  color: string;
}

const WINDOW_SECONDS = 15 * 60;
const HEIGHT = 110;

function options(width: number, series: ChartSeries[], unit: string): uPlot.Options {
  const fmt = (v: number | null) =>
    v === null ? '–' : `${Number(v.toPrecision(3))}${unit ? ` ${unit}` : ''}`;
  return {
    width,
    height: HEIGHT,
    // always the last 15 minutes, so a fresh start fills in from the right
    scales: {
      x: { time: true, range: (_u, _min, max) => [max - WINDOW_SECONDS, max] },
      y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
    },
    axes: [
      {
        stroke: '#64748b',
        size: 22,
        font: '10px sans-serif',
        grid: { stroke: '#f1f5f9' },
        ticks: { show: false },
      },
      {
        stroke: '#64748b',
        size: 44,
        font: '10px sans-serif',
        grid: { stroke: '#f1f5f9' },
        ticks: { show: false },
        values: (_u, vals) => vals.map((v) => Number(v.toPrecision(3)).toString()),
      },
    ],
    series: [
      { value: (_u: uPlot, v: number | null) => (v === null ? '' : new Date(v * 1000).toLocaleTimeString()) },
      ...series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 1.5,
        points: { show: false },
        value: (_u: uPlot, v: number | null) => fmt(v),
      })),
    ],
    cursor: { drag: { x: false, y: false } },
    legend: { show: true },
  };
}

/**
 * A small live line chart (uPlot) of the health window. The chart is built once per mount and
 * fed new columns with setData; its width follows the container.
 */
export function TimeChart({
  title,
  series,
  data,
  unit = '',
  testId,
}: {
  title: string;
  series: ChartSeries[];
  data: ChartData;
  unit?: string;
  testId: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(data);
  const key = series.map((s) => s.label).join('|') + unit;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let disposed = false;
    let observer: ResizeObserver | undefined;
    // uPlot draws on a canvas: load it in the browser, after mount, and keep it out of the server bundle
    void import('uplot').then(({ default: UPlot }) => {
      if (disposed) return;
      const u = new UPlot(options(Math.max(160, el.clientWidth), series, unit), latest.current, el);
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
    </figure>
  );
}
