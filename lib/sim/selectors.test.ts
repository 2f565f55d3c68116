import { describe, expect, it } from 'vitest';
import { SimApiError } from './errors';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors';

const labels = { app: 'web', tier: 'gold', 'example.com/role': 'edge' };

describe('label selectors', () => {
  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app!=api', true],
    ['missing!=x', true],
    ['tier in (gold, silver)', true],
    ['tier notin (gold)', false],
    ['missing notin (gold)', true],
    ['app', true],
    ['!app', false],
    ['!missing', true],
    ['example.com/role=edge,app=web', true],
    ['example.com/role=edge,app=api', false],
    ['', true],
  ])('%s → %s', (sel, want) => {
    expect(matchesLabels(parseLabelSelector(sel), labels)).toBe(want);
  });

  it('rejects malformed selectors with 400', () => {
    for (const bad of ['a b c', 'app=we b', 'in (x)x', 'bad key!=1', 'app=' + 'x'.repeat(64)]) {
      const err = (() => {
        try {
          parseLabelSelector(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(err, bad).toBeInstanceOf(SimApiError);
      expect((err as SimApiError).code).toBe(400);
    }
  });
});

describe('field selectors', () => {
  const supported = ['metadata.name', 'spec.unschedulable', 'status.phase'];
  it('matches = and !=', () => {
    const f = { 'metadata.name': 'n1', 'spec.unschedulable': 'false', 'status.phase': 'Running' };
    expect(matchesFields(parseFieldSelector('metadata.name=n1', supported), f)).toBe(true);
    expect(matchesFields(parseFieldSelector('spec.unschedulable=true', supported), f)).toBe(false);
    expect(
      matchesFields(parseFieldSelector('status.phase!=Succeeded,status.phase!=Failed', supported), f),
    ).toBe(true);
    expect(matchesFields(parseFieldSelector('status.phase!=Running', supported), f)).toBe(false);
  });
  it('rejects unknown fields with 400 naming the field', () => {
    expect(() => parseFieldSelector('spec.foo=1', supported)).toThrowError(
      /field label not supported: spec.foo/,
    );
  });
});

describe('field selector robustness', () => {
  it('parses escapes and rejects hostile input quickly', () => {
    expect(parseFieldSelector('metadata.name=a\\,b', ['metadata.name'])).toEqual([
      { field: 'metadata.name', op: 'eq', value: 'a,b' },
    ]);
    expect(parseFieldSelector('metadata.name==x', ['metadata.name'])).toEqual([
      { field: 'metadata.name', op: 'eq', value: 'x' },
    ]);
    const t = performance.now();
    expect(() => parseFieldSelector(`a${' '.repeat(20_000)}b`, ['metadata.name'])).toThrowError(
      /invalid selector/,
    );
    expect(() => parseLabelSelector(`a${' '.repeat(20_000)}b`)).toThrowError();
    expect(performance.now() - t).toBeLessThan(200);
  });
});
