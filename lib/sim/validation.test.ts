import { describe, expect, it } from 'vitest';
import { labelValueErrors, qualifiedNameErrors } from '@/lib/shared/k8s-names';
import { validateLabels, validateTaints } from './validation';

describe('label validation', () => {
  it('accepts qualified names with optional DNS subdomain prefix', () => {
    for (const k of [
      'app',
      'example.com/role',
      'node-role.kubernetes.io/control-plane',
      'A_b.c-1',
      'x'.repeat(63),
      `${'a'.repeat(253)}/b`,
    ]) {
      expect(qualifiedNameErrors(k), k).toEqual([]);
    }
  });
  it('rejects bad keys', () => {
    for (const k of [
      '',
      '-a',
      'a-',
      'a b',
      'x'.repeat(64),
      'Example.com/a',
      '/a',
      'a/',
      'a/b/c',
      `${'a'.repeat(254)}/b`,
    ]) {
      expect(qualifiedNameErrors(k).length, k).toBeGreaterThan(0);
    }
  });
  it('validates values', () => {
    expect(labelValueErrors('')).toEqual([]);
    expect(labelValueErrors('v1.2_3-x')).toEqual([]);
    expect(labelValueErrors('-x').length).toBeGreaterThan(0);
    expect(labelValueErrors('x'.repeat(64)).length).toBeGreaterThan(0);
  });
  it('names the field in causes', () => {
    const causes = validateLabels({ 'bad key': 'v' }, 'metadata.labels');
    expect(causes[0]).toMatchObject({ reason: 'FieldValueInvalid', field: 'metadata.labels' });
  });
});

describe('taint validation', () => {
  it('rejects unknown effects, missing keys and duplicates', () => {
    const causes = validateTaints([
      { key: 'a', effect: 'Sometimes' },
      { effect: 'NoSchedule' },
      { key: 'd', effect: 'NoSchedule' },
      { key: 'd', effect: 'NoSchedule' },
    ]);
    expect(causes.map((c) => c.field)).toEqual([
      'spec.taints[0].effect',
      'spec.taints[1].key',
      'spec.taints[3]',
    ]);
    expect(causes[0]!.reason).toBe('FieldValueNotSupported');
  });
  it('accepts valid taints', () => {
    expect(validateTaints([{ key: 'k', value: 'v', effect: 'NoExecute' }])).toEqual([]);
  });
});
