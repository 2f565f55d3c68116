import { MAX_LIVE_WINDOW } from '@/lib/protocol/window';

/** The id of the dashboard table's window on the connection (one table per page). */
export const TABLE_WINDOW_ID = 'table';

/** Rows held beyond each edge of the screen, so scrolling a few screens needs no new request. */
export const WINDOW_MARGIN = 150;
/** Rows of margin left when the window is moved again (about one screen). */
const REFILL = 40;

export interface WindowRange {
  offset: number;
  limit: number;
}

/**
 * The window to hold for visible rows [start, end): the current one while the screen is well inside
 * it, otherwise the screen plus WINDOW_MARGIN rows each side (aligned, so small jitters ask nothing).
 */
export function nextWindow(
  current: WindowRange | null,
  start: number,
  end: number,
  force: boolean,
): WindowRange {
  if (current && !force) {
    const from = current.offset;
    const to = current.offset + current.limit;
    const topOk = start - from >= REFILL || from === 0;
    const bottomOk = to - end >= REFILL;
    if (topOk && bottomOk && start >= from && end <= to) return current;
  }
  const offset = Math.max(0, Math.floor((start - WINDOW_MARGIN) / 10) * 10);
  const limit = Math.min(MAX_LIVE_WINDOW, Math.ceil((end + WINDOW_MARGIN - offset) / 10) * 10);
  return { offset, limit };
}
