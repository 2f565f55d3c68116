import { describe, expect, it } from 'vitest';
import { LabelSelectorError, matchesSelector, parseLabelSelector } from './label-selector';

const labels = { env: 'prod', tier: 'web', 'node-role.kubernetes.io/worker': '' };
const m = (s: string) => matchesSelector(parseLabelSelector(s), labels);

describe('label selector', () => {
  it('supports equality operators', () => {
    expect(m('env=prod')).toBe(true);
    expect(m('env==prod')).toBe(true);
    expect(m('env!=prod')).toBe(false);
    expect(m('env=dev')).toBe(false);
    expect(m('missing!=x')).toBe(true);
  });
  it('supports set operators', () => {
    expect(m('env in (prod, staging)')).toBe(true);
    expect(m('env in (dev)')).toBe(false);
    expect(m('env notin (dev,qa)')).toBe(true);
    expect(m('missing notin (a)')).toBe(true);
    expect(m('missing in (a)')).toBe(false);
  });
  it('supports existence', () => {
    expect(m('node-role.kubernetes.io/worker')).toBe(true);
    expect(m('!node-role.kubernetes.io/worker')).toBe(false);
    expect(m('!gpu')).toBe(true);
    expect(m('gpu')).toBe(false);
  });
  it('ANDs requirements and accepts the empty selector', () => {
    expect(m('env=prod,tier=web')).toBe(true);
    expect(m('env=prod, tier=db')).toBe(false);
    expect(m('')).toBe(true);
    expect(parseLabelSelector('  ')).toEqual([]);
  });
  it('parses into requirements', () => {
    expect(parseLabelSelector('a=b,!c,d notin (x,y)')).toEqual([
      { key: 'a', op: 'eq', value: 'b' },
      { key: 'c', op: 'not_exists' },
      { key: 'd', op: 'notin', values: ['x', 'y'] },
    ]);
  });
  it('rejects bad input with a positioned error', () => {
    for (const bad of ['=x', 'a=b,', 'a in x', 'a in (x', 'a ~ b', 'a=b c', 'a=-bad-', 'A/b=c']) {
      expect(() => parseLabelSelector(bad), bad).toThrow(LabelSelectorError);
    }
    expect(() => parseLabelSelector('env=prod,tier ~ web')).toThrow(
      /labelSelector: unknown operator '~' at position 14/,
    );
  });
});
