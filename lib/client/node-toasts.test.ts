import { describe, expect, it } from 'vitest';
import type { NodeEventMessage } from '@/lib/protocol/messages';
import type { ChangeKind } from '@/lib/protocol/node-summary';
import { nodeToasts, openNodeNotice } from './node-toasts';
import { beginOwnEdit, endOwnEdit, isOwnEdit, markOwnWindow } from './own-edits';
import { makeEvent } from './test-fixtures';

let seq = 0;
const upd = (name: string, changes: ChangeKind[], unschedulable = false): NodeEventMessage => ({
  ...makeEvent('node_update', name, ++seq, { unschedulable }),
  changes,
});

describe('node change toasts', () => {
  it('names each node when few change: added, removed, labels/taints, cordoned', () => {
    expect(
      nodeToasts('prod', [
        makeEvent('node_add', 'n1', ++seq),
        makeEvent('node_delete', 'n2', ++seq),
        upd('n3', ['labels', 'taints', 'pods']),
      ]).map((t) => [t.kind, t.title]),
    ).toEqual([
      ['info', 'Node n1 added'],
      ['warning', 'Node n2 removed'],
      ['info', 'Node n3: labels and taints updated'],
    ]);
    expect(nodeToasts('prod', [upd('n4', ['schedulable'], true)])[0]!.title).toBe('Node n4 cordoned');
    expect(nodeToasts('prod', [upd('n4', ['schedulable'], false)])[0]!.title).toBe('Node n4 uncordoned');
    expect(nodeToasts('prod', [upd('n4', ['schedulable', 'taints', 'annotations'], true)])[0]!.title).toBe(
      'Node n4 cordoned',
    );
    expect(nodeToasts('prod', [upd('n4', ['schedulable', 'labels'], true)])[0]!.title).toBe(
      'Node n4 cordoned (labels updated)',
    );
  });

  it('ignores changes nobody asked to be told about (pods, conditions, capacity)', () => {
    expect(nodeToasts('prod', [upd('n1', ['pods']), upd('n2', ['conditions', 'status'])])).toEqual([]);
  });

  it('aggregates many into one toast per cluster, counting each node once', () => {
    const events = Array.from({ length: 37 }, (_, i) => upd(`n${i}`, ['labels']));
    events.push(
      upd('n0', ['taints']),
      makeEvent('node_add', 'new', ++seq),
      makeEvent('node_delete', 'n1', ++seq),
    );
    const toasts = nodeToasts('prod', events);
    expect(toasts).toEqual([
      {
        id: 'nodes-prod',
        kind: 'warning',
        title: '38 nodes updated',
        description: 'cluster prod: 1 added, 1 removed, 36 changed',
      },
    ]);
  });

  it('notices a change to the open node unless it was this tab’s own edit', () => {
    const e = upd('open', ['labels', 'annotations']);
    expect(openNodeNotice(e, false)).toMatchObject({
      kind: 'warning',
      title: 'open was changed by someone else',
      description: 'labels and annotations changed; the page shows the new state',
    });
    expect(openNodeNotice(e, true)).toBeNull();
    expect(openNodeNotice(upd('open', ['pods']), false)).toBeNull();
  });

  it('knows the echo of its own edit by resourceVersion, and a drain by a short window', () => {
    beginOwnEdit('c', 'n');
    expect(isOwnEdit('c', 'n', '7', 1000)).toBe(true); // the push may beat the answer
    endOwnEdit('c', 'n', '7', 1000);
    expect(isOwnEdit('c', 'n', '7', 2000)).toBe(true);
    expect(isOwnEdit('c', 'n', '8', 2000)).toBe(false); // someone else's write right after ours
    expect(isOwnEdit('c', 'other', '7', 2000)).toBe(false);
    markOwnWindow('c', 'd', 1000);
    expect(isOwnEdit('c', 'd', '1', 5000)).toBe(true);
    expect(isOwnEdit('c', 'd', '1', 12_000)).toBe(false);
  });
});
