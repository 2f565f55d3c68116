/**
 * Natural name order ("node-2" before "node-10"), the one collation of the node table: the server
 * keeps its sort orders in it and the browser shows them as they come, so neither re-sorts the other.
 * Written out rather than Intl.Collator so Node and every browser agree to the byte; runs of digits
 * compare by value, everything else by UTF-16 code unit, and names equal by value ("a01", "a1")
 * fall back to plain code-unit order, so the order is total.
 */
export function compareNatural(a: string, b: string): number {
  if (a === b) return 0;
  const la = a.length;
  const lb = b.length;
  let i = 0;
  let j = 0;
  while (i < la && j < lb) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(j);
    if (isDigit(ca) && isDigit(cb)) {
      // skip leading zeros, then the longer run is the larger number; same length compares digit by digit
      let si = i;
      let sj = j;
      while (si < la && a.charCodeAt(si) === 48) si++;
      while (sj < lb && b.charCodeAt(sj) === 48) sj++;
      let ei = si;
      let ej = sj;
      while (ei < la && isDigit(a.charCodeAt(ei))) ei++;
      while (ej < lb && isDigit(b.charCodeAt(ej))) ej++;
      const lenA = ei - si;
      const lenB = ej - sj;
      if (lenA !== lenB) return lenA - lenB;
      for (let k = 0; k < lenA; k++) {
        const d = a.charCodeAt(si + k) - b.charCodeAt(sj + k);
        if (d !== 0) return d;
      }
      i = ei;
      j = ej;
      continue;
    }
    if (ca !== cb) return ca - cb;
    i++;
    j++;
  }
  if (i < la || j < lb) return i < la ? 1 : -1;
  return a < b ? -1 : 1;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
