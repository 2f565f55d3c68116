import { describe, expect, it } from 'vitest';
import {
  LabelSelectorError,
  matchesSelector,
  parseLabelSelector,
  validateLabelKey,
  validateLabelValue,
} from './label-selector';

const labels = { 'node-role.kubernetes.io/worker': '', zone: 'a', tier: 'gpu' };
const match = (sel: string) => matchesSelector(labels, parseLabelSelector(sel));

describe('parseLabelSelector / matchesSelector', () => {
  it('supports equality, inequality, sets and existence like kubectl -l', () => {
    expect(match('')).toBe(true);
    expect(match('zone=a')).toBe(true);
    expect(match('zone==b')).toBe(false);
    expect(match('zone!=b,tier=gpu')).toBe(true);
    expect(match('zone in (a, b)')).toBe(true);
    expect(match('zone notin (a)')).toBe(false);
    expect(match('missing notin (a)')).toBe(true);
    expect(match('node-role.kubernetes.io/worker')).toBe(true);
    expect(match('!node-role.kubernetes.io/worker')).toBe(false);
    expect(match('zone in (b),tier')).toBe(false);
  });

  it('throws a typed error for malformed requirements', () => {
    expect(() => parseLabelSelector('zone=a,,tier')).toThrow(LabelSelectorError);
    expect(() => parseLabelSelector('bad key=1')).toThrow(/invalid label/);
    expect(() => parseLabelSelector('zone=a b')).toThrow(/invalid label value/);
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
