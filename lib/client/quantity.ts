/** Kubernetes resource.Quantity parsing for display math (requests vs allocatable); not exact for huge values. */
const binary: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const decimal: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};
const pattern = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])|[eE]([+-]?\d+))?$/;

/** Parses a quantity string into its base unit (cores, bytes, count); NaN when malformed or missing. */
export function parseQuantity(q: string | undefined): number {
  if (q === undefined) return NaN;
  const m = pattern.exec(q.trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  if (m[3] !== undefined) return n * 10 ** Number(m[3]);
  const suffix = m[2] ?? '';
  return n * (binary[suffix] ?? decimal[suffix] ?? NaN);
}

export function parseCpuMilli(q: string | undefined): number {
  return parseQuantity(q) * 1000;
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '—';
  const units = ['B', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)}${units[i]}`;
}

export function formatCpuMilli(milli: number): string {
  if (!Number.isFinite(milli)) return '—';
  if (milli < 1000 && milli % 1000 !== 0) return `${Math.round(milli)}m`;
  const cores = milli / 1000;
  return Number.isInteger(cores) ? String(cores) : cores.toFixed(2);
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
