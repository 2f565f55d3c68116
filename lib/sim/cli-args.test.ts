import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './cli-args';

describe('sim CLI args', () => {
  it('parses flags in both forms', () => {
    expect(
      parseCliArgs(['--nodes', '2000', '--port=7443', '--kubeconfig', 'x.kubeconfig', '--http', '--churn']),
    ).toMatchObject({
      nodes: 2000,
      port: 7443,
      kubeconfig: 'x.kubeconfig',
      http: true,
      churn: true,
    });
  });
  it('names the bad flag', () => {
    expect(() => parseCliArgs(['--nodes', 'many'])).toThrowError(/--nodes must be an integer/);
    expect(() => parseCliArgs(['--bogus'])).toThrowError(/unknown flag --bogus/);
  });
});
