import { describe, expect, it } from 'vitest';
import { computeWindow } from './virtual-window';

const base = { rowHeight: 30, viewportHeight: 600, overscan: 5, count: 5000 };

describe('computeWindow', () => {
  it('renders the viewport plus overscan at the top', () => {
    expect(computeWindow({ ...base, scrollTop: 0 })).toEqual({
      start: 0,
      end: 25,
      offsetTop: 0,
      totalHeight: 150_000,
    });
  });

  it('follows the scroll position with overscan on both sides', () => {
    const w = computeWindow({ ...base, scrollTop: 3000 });
    expect(w.start).toBe(95);
    expect(w.end).toBe(125);
    expect(w.offsetTop).toBe(95 * 30);
  });

  it('clamps at the end and for overscroll (elastic scrolling)', () => {
    expect(computeWindow({ ...base, scrollTop: 10_000_000 }).end).toBe(5000);
    expect(computeWindow({ ...base, scrollTop: -200 }).start).toBe(0);
  });

  it('handles empty lists and short lists', () => {
    expect(computeWindow({ ...base, count: 0, scrollTop: 0 })).toEqual({
      start: 0,
      end: 0,
      offsetTop: 0,
      totalHeight: 0,
    });
    expect(computeWindow({ ...base, count: 3, scrollTop: 0 })).toMatchObject({ start: 0, end: 3 });
  });
});
