import { describe, expect, it } from 'vitest';
import { MAX_LIVE_WINDOW } from '@/lib/protocol/window';
import { nextWindow, WINDOW_MARGIN } from './window-range';

describe('nextWindow', () => {
  it('holds the screen plus a margin each side, from row 0 at the top', () => {
    expect(nextWindow(null, 0, 40, true)).toEqual({ offset: 0, limit: 40 + WINDOW_MARGIN });
    const w = nextWindow(null, 1000, 1040, true);
    expect(w.offset).toBeLessThanOrEqual(1000 - WINDOW_MARGIN);
    expect(w.offset + w.limit).toBeGreaterThanOrEqual(1040 + WINDOW_MARGIN);
    expect(w.limit).toBeLessThanOrEqual(MAX_LIVE_WINDOW);
  });

  it('keeps the window while the screen stays well inside it, and moves it near an edge', () => {
    const w = nextWindow(null, 1000, 1040, true);
    expect(nextWindow(w, 1020, 1060, false)).toBe(w);
    expect(nextWindow(w, 990, 1030, false)).toBe(w);
    const down = nextWindow(w, 1130, 1170, false);
    expect(down).not.toBe(w);
    expect(down.offset + down.limit).toBeGreaterThanOrEqual(1170 + WINDOW_MARGIN);
    // a jump far away (a scrollbar drag) is one request for the new place
    expect(nextWindow(w, 15_000, 15_040, false).offset).toBeGreaterThan(14_000);
  });

  it('never exceeds the live window limit for a very tall screen', () => {
    expect(nextWindow(null, 0, 5000, true).limit).toBe(MAX_LIVE_WINDOW);
  });
});
