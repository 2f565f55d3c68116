import { describe, expect, it } from 'vitest';
import {
  applyTaintEdit,
  isSystemKey,
  labelEditSchema,
  labelPatch,
  taintEditSchema,
  validateLabelEdit,
  validateTaintEdit,
} from './node-edits';

describe('labels', () => {
  it('recognises system keys', () => {
    expect(isSystemKey('node-role.kubernetes.io/worker')).toBe(true);
    expect(isSystemKey('kubernetes.io/hostname')).toBe(true);
    expect(isSystemKey('k8s.io/x')).toBe(true);
    expect(isSystemKey('example.com/team')).toBe(false);
    expect(isSystemKey('team')).toBe(false);
  });

  it('names the bad field', () => {
    const edit = labelEditSchema.parse({ set: { 'bad key': 'v', ok: 'x'.repeat(64) }, remove: ['ok2'] });
    const errs = validateLabelEdit(edit, false);
    expect(errs.map((e) => e.field)).toEqual(['set.bad key', 'set.ok']);
    expect(errs[1]?.message).toMatch(/no more than 63/);
  });

  it('refuses system keys unless an admin confirms', () => {
    const edit = labelEditSchema.parse({ set: { 'node-role.kubernetes.io/gpu': '' } });
    expect(validateLabelEdit(edit, false)).toHaveLength(1);
    expect(validateLabelEdit(edit, true)).toHaveLength(1);
    expect(validateLabelEdit({ ...edit, confirmSystem: true }, true)).toHaveLength(0);
  });

  it('rejects empty edits', () => {
    expect(labelEditSchema.safeParse({}).success).toBe(false);
  });

  it('builds a minimal merge patch', () => {
    expect(labelPatch({ a: '1', b: '2' }, { set: { a: '1', c: '3' }, remove: ['b', 'zz'] })).toEqual({
      c: '3',
      b: null,
    });
    expect(labelPatch({ a: '1' }, { set: { a: '1' } })).toBeNull();
  });
});

describe('taints', () => {
  it('adds, updates and removes', () => {
    const cur = [
      { key: 'a', effect: 'NoSchedule' as const },
      { key: 'b', value: 'x', effect: 'NoExecute' as const },
    ];
    const next = applyTaintEdit(cur, {
      add: [
        { key: 'b', value: 'y', effect: 'NoExecute' },
        { key: 'c', effect: 'PreferNoSchedule' },
      ],
      remove: [{ key: 'a' }],
    });
    expect(next).toEqual([
      { key: 'b', value: 'y', effect: 'NoExecute' },
      { key: 'c', effect: 'PreferNoSchedule' },
    ]);
    expect(applyTaintEdit(cur, { add: [{ key: 'a', effect: 'NoSchedule' }] })).toBeNull();
  });

  it('rejects unknown effects and bad keys', () => {
    expect(taintEditSchema.safeParse({ add: [{ key: 'a', effect: 'Sometimes' }] }).success).toBe(false);
    const errs = validateTaintEdit({ add: [{ key: '-bad', effect: 'NoSchedule' }] }, false);
    expect(errs[0]?.field).toBe('add[0].key');
  });
});
