export interface WindowInput {
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
  count: number;
  /** extra rows rendered above and below the viewport so fast scrolling doesn't show blanks */
  overscan: number;
}

export interface WindowRange {
  /** first rendered row index */
  start: number;
  /** one past the last rendered row index */
  end: number;
  /** translateY of the first rendered row */
  offsetTop: number;
  totalHeight: number;
}

/** Which rows of a fixed-row-height list to render: a 5,000-row table mounts only ~60 rows. */
export function computeWindow({
  scrollTop,
  viewportHeight,
  rowHeight,
  count,
  overscan,
}: WindowInput): WindowRange {
  const totalHeight = count * rowHeight;
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0, offsetTop: 0, totalHeight: 0 };
  const maxTop = Math.max(0, totalHeight - viewportHeight);
  const top = Math.min(Math.max(0, scrollTop), maxTop);
  const start = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const end = Math.min(count, Math.ceil((top + Math.max(0, viewportHeight)) / rowHeight) + overscan);
  return { start, end: Math.max(start, end), offsetTop: start * rowHeight, totalHeight };
}
