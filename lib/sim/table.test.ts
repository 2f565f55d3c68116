import { describe, expect, it } from 'vitest';
import { makeNode } from './node-factory';
import { Prng } from './prng';
import { humanDuration, nodeRoles, nodeStatusText } from './table';

describe('table helpers', () => {
  it('formats ages like kubectl', () => {
    expect(humanDuration(5_000)).toBe('5s');
    expect(humanDuration(119_000)).toBe('119s');
    expect(humanDuration(5 * 60_000 + 10_000)).toBe('5m10s');
    expect(humanDuration(30 * 60_000)).toBe('30m');
    expect(humanDuration(5 * 3600_000 + 60_000)).toBe('5h1m');
    expect(humanDuration(3 * 86400_000 + 2 * 3600_000)).toBe('3d2h');
    expect(humanDuration(400 * 86400_000)).toBe('400d');
  });
  it('renders node status and roles', () => {
    const n = makeNode({ name: 'cp', index: 0, controlPlane: true, now: 0, rng: new Prng(1) });
    expect(nodeRoles(n)).toBe('control-plane');
    expect(nodeStatusText(n)).toBe('Ready');
    (n.spec as Record<string, unknown>).unschedulable = true;
    expect(nodeStatusText(n)).toBe('Ready,SchedulingDisabled');
    const w = makeNode({ name: 'w', index: 1, controlPlane: false, now: 0, rng: new Prng(1) });
    expect(nodeRoles(w)).toBe('<none>');
  });
});
