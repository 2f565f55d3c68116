import { describe, expect, it } from 'vitest';
import { nodeSummarySchema } from '@/lib/protocol/node-summary';
import { classifyChange } from './classify';
import { summarizeNode } from './summarize';
import { rawNode, type NodeFixtureOptions } from './testing/node-fixture';

const base: NodeFixtureOptions = { name: 'n1', rv: 1 };
const s = (o: Partial<NodeFixtureOptions> = {}) => summarizeNode(rawNode({ ...base, ...o }));
const kinds = (o: Partial<NodeFixtureOptions>) => classifyChange(s(), s({ rv: 2, ...o }));

describe('summarizeNode', () => {
  it('produces a schema-valid slim summary without bulk fields', () => {
    const sum = s({ labels: { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'infra' } });
    expect(nodeSummarySchema.parse(sum)).toEqual(sum);
    expect(sum.roles).toEqual(['control-plane', 'infra']);
    expect(sum.status).toBe('Ready');
    expect(JSON.stringify(sum)).not.toMatch(/managedFields|images|lastHeartbeatTime|machineID/);
  });
  it('handles Date timestamps from deserialized models and junk input', () => {
    const raw = rawNode(base) as { metadata: Record<string, unknown> };
    raw.metadata.creationTimestamp = new Date('2025-06-01T00:00:00Z');
    expect(summarizeNode(raw).creationTimestamp).toBe('2025-06-01T00:00:00Z');
    expect(summarizeNode(null).name).toBe('');
    expect(summarizeNode({ spec: { taints: 'x' }, status: { conditions: [1] } }).status).toBe('Unknown');
  });
  it('maps the Ready condition to a status', () => {
    expect(s({ ready: 'False' }).status).toBe('NotReady');
    expect(s({ ready: 'Unknown' }).status).toBe('Unknown');
  });
});

describe('classifyChange', () => {
  it('drops heartbeat-only, resourceVersion-only and managedFields-only updates', () => {
    expect(kinds({ heartbeat: '2026-02-02T00:00:00Z' })).toEqual([]);
    expect(kinds({})).toEqual([]);
  });
  it('classifies each kind', () => {
    expect(kinds({ labels: { a: 'b' } })).toEqual(['labels']);
    expect(kinds({ annotations: { a: 'b' } })).toEqual(['annotations']);
    expect(kinds({ taints: [{ key: 'k', effect: 'NoSchedule' }] })).toEqual(['taints']);
    expect(kinds({ unschedulable: true })).toEqual(['schedulable']);
    expect(kinds({ ready: 'False' })).toEqual(['status', 'conditions']);
    expect(kinds({ ip: '10.9.9.9' })).toEqual(['addresses']);
    expect(kinds({ cpu: '16' })).toEqual(['capacity']);
    expect(kinds({ kubelet: 'v1.32.0' })).toEqual(['node_info']);
  });
  it('reports a role label change as labels', () => {
    expect(kinds({ labels: { 'node-role.kubernetes.io/gpu': '' } })).toEqual(['labels']);
  });
  it('sees condition reason/message changes but not timestamps', () => {
    const a = s();
    const b = s({ rv: 2 });
    b.conditions = b.conditions.map((c) => (c.type === 'MemoryPressure' ? { ...c, message: 'low' } : c));
    expect(classifyChange(a, b)).toEqual(['conditions']);
  });
  it('detects pod aggregate changes', () => {
    const a = s();
    const b = {
      ...s({ rv: 2 }),
      pods: { count: 1, cpuRequestsMilli: 100, memoryRequestsBytes: 1, phases: { Running: 1 } },
    };
    expect(classifyChange(a, b)).toEqual(['pods']);
  });
});
