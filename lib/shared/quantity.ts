/**
 * Kubernetes resource.Quantity parsing, reduced to what the node table needs:
 * CPU in millicores and memory in bytes. Unparseable input yields 0 rather than
 * throwing, because a single odd pod spec must not break a cluster's pipeline.
 */

const binarySuffix: Record<string, number> = {
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};
const decimalSuffix: Record<string, number> = {
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

const quantityRe = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/;

/** Parses a quantity into its plain numeric value (e.g. "500m" → 0.5, "1Gi" → 1073741824); NaN when invalid. */
export function parseQuantity(input: string | number | undefined | null): number {
  if (typeof input === 'number') return input;
  if (typeof input !== 'string') return Number.NaN;
  const m = quantityRe.exec(input.trim());
  if (!m) return Number.NaN;
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  const suffix = m[3] ?? '';
  const mult = binarySuffix[suffix] ?? decimalSuffix[suffix];
  return mult === undefined ? Number.NaN : base * mult;
}

export function cpuMillis(input: string | number | undefined | null): number {
  const v = parseQuantity(input);
  return Number.isFinite(v) ? Math.round(v * 1000) : 0;
}

export function memoryBytes(input: string | number | undefined | null): number {
  const v = parseQuantity(input);
  return Number.isFinite(v) ? Math.round(v) : 0;
}
