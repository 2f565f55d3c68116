import { describe, expect, it } from 'vitest';
import { ClusterStatusFeed, type ClusterStatusData } from './cluster-status-feed';

function setup() {
  let t = 0;
  const timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let id = 0;
  const state = new Map<string, ClusterStatusData>([['a', { status: 'ready', nodes: 3, ready: 3 }]]);
  const sent: Array<[string, ClusterStatusData]> = [];
  const feed = new ClusterStatusFeed({
    read: (c) => state.get(c),
    publish: (c, d) => sent.push([c, d]),
    intervalMs: 500,
    now: () => t,
    setTimer: (fn, ms) => {
      timers.push({ at: t + ms, fn, id: ++id });
      return id;
    },
    clearTimer: (h) => {
      const i = timers.findIndex((x) => x.id === h);
      if (i >= 0) timers.splice(i, 1);
    },
  });
  const advance = (ms: number) => {
    t += ms;
    for (const due of timers.filter((x) => x.at <= t)) {
      timers.splice(timers.indexOf(due), 1);
      due.fn();
    }
  };
  return { feed, state, sent, advance, timers };
}

describe('ClusterStatusFeed', () => {
  it('sends the first change at once, then at most one per interval carrying the latest counts', () => {
    const { feed, state, sent, advance } = setup();
    feed.touch('a');
    expect(sent).toEqual([['a', { status: 'ready', nodes: 3, ready: 3 }]]);
    state.set('a', { status: 'ready', nodes: 3, ready: 2 });
    feed.touch('a');
    state.set('a', { status: 'ready', nodes: 4, ready: 3 });
    feed.touch('a');
    expect(sent).toHaveLength(1);
    advance(499);
    expect(sent).toHaveLength(1);
    advance(1);
    expect(sent.at(-1)).toEqual(['a', { status: 'ready', nodes: 4, ready: 3 }]);
    expect(sent).toHaveLength(2);
  });

  it('sends nothing when status and counts did not change, or for a cluster that is gone', () => {
    const { feed, sent, advance, timers } = setup();
    feed.touch('a');
    advance(1000);
    feed.touch('a'); // e.g. a label edit: same counts
    feed.touch('gone');
    expect(sent).toHaveLength(1);
    feed.touch('a');
    feed.forget('a');
    expect(timers).toHaveLength(0);
  });
});
