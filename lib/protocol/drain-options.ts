/**
 * The drain dialog's checkbox for each drain option. Refusals name the checkbox the user must tick
 * (the server's messages and the UI's labels come from here, so they cannot drift apart).
 */
export const drainOptionLabels = {
  ignoreDaemonSets: 'Ignore DaemonSet-managed pods',
  deleteEmptyDirData: 'Delete emptyDir data',
  force: 'Force: evict pods without a controller',
} as const;

export type DrainOptionName = keyof typeof drainOptionLabels;

/** "tick "Delete emptyDir data"" — the fix for a refused drain, in the UI's words. */
export function tickHint(option: DrainOptionName): string {
  return `tick "${drainOptionLabels[option]}"`;
}
