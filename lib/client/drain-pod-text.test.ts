import { describe, expect, it } from 'vitest';
import { podStateText } from './drain-pod-text';

describe('podStateText', () => {
  const pod = { namespace: 'shop', name: 'web-1' };
  it('names the budget a pod waits on, with its allowed disruptions when known', () => {
    expect(podStateText({ ...pod, state: 'waiting_pdb', pdb: { name: 'web', disruptionsAllowed: 0 } })).toBe(
      'waiting on PDB web (0 disruptions allowed)',
    );
    expect(podStateText({ ...pod, state: 'waiting_pdb', pdb: { name: 'web', disruptionsAllowed: 1 } })).toBe(
      'waiting on PDB web (1 disruption allowed)',
    );
    expect(podStateText({ ...pod, state: 'waiting_pdb', pdb: { name: 'web' } })).toBe('waiting on PDB web');
    expect(podStateText({ ...pod, state: 'waiting_pdb' })).toBe('waiting on a PodDisruptionBudget');
  });

  it('says the other states in words', () => {
    expect(
      ['evicting', 'terminating', 'gone'].map((state) => podStateText({ ...pod, state } as never)),
    ).toEqual(['evicting', 'terminating', 'gone']);
  });
});
