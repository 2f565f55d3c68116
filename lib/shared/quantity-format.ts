import { parseQuantity } from './quantity';

/** Display math and formatting of Kubernetes quantities, shared by the table, the node page and the server's export. */
export { parseQuantity };

export function parseCpuMilli(q: string | undefined): number {
  return parseQuantity(q) * 1000;
}

/** requests / allocatable as 0..n; NaN when allocatable is unknown (the bar then shows no fill). */
export function usageRatio(requests: number, allocatable: number): number {
  return allocatable > 0 ? requests / allocatable : NaN;
}

/** Binary units as people read them: "15.0 GiB", "512 B" (never raw "101430960Ki"). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** CPU in cores: "0.25 cores", "1 core", "3.9 cores"; below 0.01 cores in millicores. */
export function formatCpuMilli(milli: number): string {
  if (!Number.isFinite(milli)) return '—';
  if (milli > 0 && milli < 10) return `${Math.round(milli)}m`;
  const cores = Number((milli / 1000).toFixed(milli < 10_000 ? 2 : 1));
  return `${cores} ${cores === 1 ? 'core' : 'cores'}`;
}

/** "5d", "3h", "12m", "40s" like kubectl's AGE column; "—" for unparsable timestamps. */
export function formatAge(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '—';
  const s = Math.max(0, Math.floor((now - t) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 120) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  return d < 730 ? `${d}d` : `${Math.floor(d / 365)}y`;
}
