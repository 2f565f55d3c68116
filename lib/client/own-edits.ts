/**
 * Writes this tab made, so the pushed echo of the user's own edit is not announced as "changed by someone
 * else". An edit answers with the written node: its resourceVersion identifies the echo exactly. While the
 * request is in flight (the push may beat the answer) the node counts as being edited by us. A drain's
 * cordon is written by the server, so a drain marks its node for a short while instead.
 * Module state on purpose: one tab, one memory, nothing to render.
 */
const pending = new Map<string, number>();
const versions = new Map<string, number>();
const windows = new Map<string, number>();
const KEEP_MS = 60_000;
const DRAIN_WINDOW_MS = 10_000;

const key = (cluster: string, node: string) => `${cluster}\u0000${node}`;

function prune(now: number): void {
  for (const [k, at] of versions) if (now - at > KEEP_MS) versions.delete(k);
  for (const [k, until] of windows) if (now > until) windows.delete(k);
}

export function beginOwnEdit(cluster: string, node: string): void {
  const k = key(cluster, node);
  pending.set(k, (pending.get(k) ?? 0) + 1);
}

/** The edit finished; `resourceVersion` is the written node's, when it succeeded. */
export function endOwnEdit(cluster: string, node: string, resourceVersion?: string, now = Date.now()): void {
  const k = key(cluster, node);
  const n = (pending.get(k) ?? 1) - 1;
  if (n > 0) pending.set(k, n);
  else pending.delete(k);
  if (resourceVersion) versions.set(`${k}\u0000${resourceVersion}`, now);
  prune(now);
}

/** Server-side writes on the user's behalf (a drain's cordon): the node's changes are ours for a while. */
export function markOwnWindow(cluster: string, node: string, now = Date.now()): void {
  windows.set(key(cluster, node), now + DRAIN_WINDOW_MS);
}

export function isOwnEdit(cluster: string, node: string, resourceVersion: string, now = Date.now()): boolean {
  const k = key(cluster, node);
  if ((pending.get(k) ?? 0) > 0) return true;
  if (versions.has(`${k}\u0000${resourceVersion}`)) return true;
  return (windows.get(k) ?? 0) >= now;
}
