import type { DrainPodProgress } from '@/lib/protocol/messages';

const stateText: Record<DrainPodProgress['state'], string> = {
  evicting: 'evicting',
  waiting_pdb: 'waiting on PDB',
  terminating: 'terminating',
  gone: 'gone',
  failed: 'failed',
};

/** "waiting on PDB checkout (0 disruptions allowed)": the state of one pod, naming the budget that holds it. */
export function podStateText(p: DrainPodProgress): string {
  if (p.state !== 'waiting_pdb') return stateText[p.state];
  if (!p.pdb) return 'waiting on a PodDisruptionBudget';
  const allowed = p.pdb.disruptionsAllowed;
  const note = allowed === undefined ? '' : ` (${allowed} disruption${allowed === 1 ? '' : 's'} allowed)`;
  return `waiting on PDB ${p.pdb.name}${note}`;
}
