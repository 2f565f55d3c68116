/**
 * Whether a value meets the target printed beside it: "≤ 5 ms", "< 50 %", "≥ 1,000 writes/s", or a bare
 * number ("0", "1.0", "100 %") meaning exactly that. Undefined when the target states no number. The
 * printed target is the only yardstick: no slack, no rounding of the value first.
 */
export function meetsTarget(value: number, target: string): boolean | undefined {
  const m = /^\s*(≤|<|≥|>)?\s*(\d[\d,]*(?:\.\d+)?)/.exec(target);
  if (!m) return undefined;
  const limit = Number(m[2]!.replace(/,/g, ''));
  switch (m[1]) {
    case '≤':
      return value <= limit;
    case '<':
      return value < limit;
    case '≥':
      return value >= limit;
    case '>':
      return value > limit;
    default:
      return value === limit;
  }
}
