import type { ClusterHealthSample, HealthSample } from '@/lib/protocol/health';

/** uPlot's column data: x (unix seconds) first, then one array per series; null draws a gap. */
export type ChartData = [number[], ...Array<Array<number | null>>];

/** Columns for a chart of the window's samples, one series per picker. */
export function columns(
  samples: HealthSample[],
  pickers: Array<(s: HealthSample) => number | null>,
): ChartData {
  return [samples.map((s) => s.t / 1000), ...pickers.map((pick) => samples.map(pick))];
}

/** The same for one cluster's series: null where the cluster did not exist yet (or any more). */
export function clusterColumns(
  samples: HealthSample[],
  cluster: string,
  pickers: Array<(c: ClusterHealthSample) => number | null>,
): ChartData {
  return columns(
    samples,
    pickers.map((pick) => (s: HealthSample) => {
      const c = s.clusters[cluster];
      return c ? pick(c) : null;
    }),
  );
}

/** Clusters present in the window, newest sample's order first, then any that disappeared. */
export function clusterNames(samples: HealthSample[]): string[] {
  const names = new Set<string>();
  for (let i = samples.length - 1; i >= 0; i--)
    for (const n of Object.keys(samples[i]!.clusters)) names.add(n);
  return [...names];
}

export interface StateSpan {
  state: ClusterHealthSample['state'] | 'absent';
  from: number;
  to: number;
}

/** Consecutive samples of the same state merged into spans, for the state strip above a cluster's charts. */
export function stateSpans(samples: HealthSample[], cluster: string): StateSpan[] {
  const spans: StateSpan[] = [];
  for (const s of samples) {
    const state = s.clusters[cluster]?.state ?? 'absent';
    const last = spans[spans.length - 1];
    if (last && last.state === state) last.to = s.t;
    else spans.push({ state, from: s.t, to: s.t });
  }
  return spans;
}
