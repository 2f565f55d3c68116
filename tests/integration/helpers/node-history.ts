import { expect } from 'vitest';
import type { NodeSummary } from '@/lib/protocol/node-summary';
import type { AnyMessage } from '@/lib/push/testing/clients';
import { classifyChange } from '@/lib/realtime/classify';
import { summarizeNode } from '@/lib/realtime/summarize';
import type { Simulator } from '@/lib/sim';

export interface ExpectedChange {
  type: 'node_add' | 'node_update' | 'node_delete';
  name: string;
  rv: string;
  summary: NodeSummary;
}

/**
 * What the simulator did to its nodes from now on, as the node changes a client must be sent:
 * every ADDED and DELETED, and every MODIFIED that changes something a client sees (heartbeat-only
 * updates are noise and never sent). Built from the simulator's own event stream, independently of
 * the app under test; the nodes hold no pods, so a summary is a pure function of the Node object.
 */
export class NodeHistory {
  readonly changes: ExpectedChange[] = [];
  private readonly last = new Map<string, NodeSummary>();
  private readonly stop: () => void;

  constructor(sim: Simulator) {
    for (const n of sim.store.listNodes()) this.last.set(n.metadata.name, summarizeNode(n));
    this.stop = sim.store.subscribe((ev) => {
      if (ev.resource !== 'nodes') return;
      const summary = summarizeNode(ev.entry.obj);
      const name = summary.name;
      const prev = this.last.get(name);
      if (ev.type === 'DELETED') {
        this.last.delete(name);
        this.changes.push({ type: 'node_delete', name, rv: String(ev.rv), summary });
        return;
      }
      this.last.set(name, summary);
      if (!prev || prev.uid !== summary.uid)
        this.changes.push({ type: 'node_add', name, rv: summary.resourceVersion, summary });
      else if (classifyChange(prev, summary).length > 0)
        this.changes.push({ type: 'node_update', name, rv: summary.resourceVersion, summary });
    });
  }

  close(): void {
    this.stop();
  }
}

export const nodeMessages = (messages: AnyMessage[]) => messages.filter((m) => m.type.startsWith('node_'));

/**
 * The node messages a client received, across all its connections in order, are exactly the
 * changes the simulator made: same nodes, same resourceVersions, same order, and each payload is the
 * node as the simulator held it at that resourceVersion; their seqs run without a gap or repeat.
 */
export function expectExactly(received: AnyMessage[], expected: ExpectedChange[], fromSeq: number): void {
  const line = (type: string, name: string, rv: string) => `${type} ${name}@${rv}`;
  expect(received.map((m) => line(m.type, m.node_name as string, m.resource_version as string))).toEqual(
    expected.map((c) => line(c.type, c.name, c.rv)),
  );
  expect(received.map((m) => m.seq)).toEqual(expected.map((_, i) => fromSeq + 1 + i));
  received.forEach((m, i) => {
    const want = expected[i]!;
    // a delete carries the node as last sent, with the deletion's resourceVersion
    if (want.type === 'node_delete') expect(m.data).toMatchObject({ name: want.name });
    else expect(m.data, line(m.type, want.name, want.rv)).toEqual(want.summary);
  });
}
