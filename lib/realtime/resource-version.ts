/**
 * resourceVersions are opaque strings in the API contract, but every real apiserver (and
 * the simulator) uses integers; compare numerically when both are, else only equality.
 */
export function rvAtLeast(current: string, wanted: string): boolean {
  if (current === wanted) return true;
  if (/^\d+$/.test(current) && /^\d+$/.test(wanted)) {
    return current.length !== wanted.length ? current.length > wanted.length : current > wanted;
  }
  return false;
}
