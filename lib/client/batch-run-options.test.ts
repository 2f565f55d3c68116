import { describe, expect, it } from 'vitest';
import { defaultRunOptions, runRequestOf } from './batch-run-options';

describe('runRequestOf', () => {
  it('makes the request fields of the selection or the selector, blank rules left out', () => {
    expect(runRequestOf(defaultRunOptions, 'drain', ['a', 'b'])).toEqual({
      ok: true,
      value: { nodes: ['a', 'b'], concurrency: 10 },
    });
    expect(
      runRequestOf(
        {
          ...defaultRunOptions,
          target: 'selector',
          selector: ' pool=gpu ',
          maxUnavailable: '5',
          stopAfterFailures: '3',
        },
        'drain',
        ['a'],
      ),
    ).toEqual({
      ok: true,
      value: { selector: 'pool=gpu', concurrency: 10, maxUnavailable: 5, stopAfterFailures: 3 },
    });
  });

  it('names each bad field; max unavailable is ignored for kinds that keep nodes schedulable', () => {
    expect(
      runRequestOf(
        { ...defaultRunOptions, concurrency: '0', maxUnavailable: '2.5', target: 'selector' },
        'cordon',
        [],
      ),
    ).toEqual({
      ok: false,
      errors: {
        concurrency: 'a whole number from 1 to 100',
        maxUnavailable: 'a whole number from 1, or blank for no limit',
        selector: 'give a label selector, e.g. pool=gpu',
      },
    });
    expect(runRequestOf({ ...defaultRunOptions, maxUnavailable: 'x' }, 'labels', ['a']).ok).toBe(true);
  });
});
