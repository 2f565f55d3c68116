import { describe, expect, it } from 'vitest';
import { diffLabels, isSystemKey, parseLabelSpecs, parseTaintSpec } from './edit-diff';

describe('diffLabels', () => {
  const original = { zone: 'a', team: 'x', 'kubernetes.io/hostname': 'n1' };

  it('finds sets (changed or new) and removals', () => {
    const d = diffLabels(original, [
      { key: 'zone', value: 'b' },
      { key: 'kubernetes.io/hostname', value: 'n1' },
      { key: 'tier', value: 'gpu' },
    ]);
    expect(d.set).toEqual({ zone: 'b', tier: 'gpu' });
    expect(d.remove).toEqual(['team']);
    expect(d.errors).toEqual({});
    expect(d.touchesSystem).toBe(false);
  });

  it('reports invalid and duplicate rows by index and flags system keys', () => {
    const d = diffLabels(original, [
      { key: 'zone', value: 'has space' },
      { key: 'team', value: 'x' },
      { key: 'team', value: 'y' },
      { key: '', value: '' },
    ]);
    expect(Object.keys(d.errors)).toEqual(['0', '2', '3']);
    expect(d.errors[2]).toMatch(/duplicate/);
    expect(d.remove).toContain('kubernetes.io/hostname');
    expect(d.touchesSystem).toBe(true);
  });

  it('recognises system domains and their subdomains only', () => {
    expect(isSystemKey('node-role.kubernetes.io/worker')).toBe(true);
    expect(isSystemKey('k8s.io/x')).toBe(true);
    expect(isSystemKey('example.com/kubernetes.io')).toBe(false);
    expect(isSystemKey('zone')).toBe(false);
  });
});

describe('spec parsers', () => {
  it('parses kubectl-style taints', () => {
    expect(parseTaintSpec('dedicated=gpu:NoSchedule')).toEqual({
      key: 'dedicated',
      value: 'gpu',
      effect: 'NoSchedule',
    });
    expect(parseTaintSpec('maint:NoExecute')).toEqual({ key: 'maint', effect: 'NoExecute' });
    expect(() => parseTaintSpec('maint')).toThrow(/key\[=value\]:Effect/);
    expect(() => parseTaintSpec('maint:Sometimes')).toThrow(/effect must be/);
  });

  it('parses label set and remove lines', () => {
    expect(parseLabelSpecs('zone=a\nteam-\n tier=gpu, ')).toEqual({
      set: { zone: 'a', tier: 'gpu' },
      remove: ['team'],
    });
    expect(() => parseLabelSpecs('zone')).toThrow(/key=value or key-/);
    expect(() => parseLabelSpecs('zone=a b')).toThrow(/value must be/);
  });
});
