import { describe, expect, it } from 'vitest';
import { matchesSelector, parseLabelSelector, validateLabelKey, validateLabelValue } from './label-selector';

describe('label selectors in the browser', () => {
  it('filter like kubectl -l, with the server parser', () => {
    const labels = { 'node-role.kubernetes.io/worker': '', zone: 'a', tier: 'gpu' };
    const match = (sel: string) => matchesSelector(parseLabelSelector(sel), labels);
    expect(match('zone=a,tier in (gpu,cpu)')).toBe(true);
    expect(match('node-role.kubernetes.io/worker,!spot')).toBe(true);
    expect(match('zone notin (a)')).toBe(false);
  });
});

describe('label validation', () => {
  it('names what is wrong with a key or value', () => {
    expect(validateLabelKey('example.com/team')).toBeNull();
    expect(validateLabelKey('')).toMatch(/required/);
    expect(validateLabelKey('-bad')).toMatch(/key must be/);
    expect(validateLabelKey('x'.repeat(64))).toMatch(/63/);
    expect(validateLabelValue('')).toBeNull();
    expect(validateLabelValue('ok-1.2_3')).toBeNull();
    expect(validateLabelValue('no spaces')).toMatch(/value must be/);
    expect(validateLabelValue('v'.repeat(64))).toMatch(/63/);
  });
});
