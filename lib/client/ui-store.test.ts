import { beforeEach, describe, expect, it } from 'vitest';
import { useUiStore } from './ui-store';

const initial = useUiStore.getState();
beforeEach(() => useUiStore.setState(initial, true));

describe('ui store', () => {
  it('toggles selection and clears it, the panel and the operation when the cluster changes', () => {
    const s = useUiStore.getState();
    s.setCluster('a');
    s.toggleSelected('n1');
    s.toggleSelected('n2');
    s.toggleSelected('n1');
    s.openPanel({ kind: 'node', name: 'n2' });
    expect([...useUiStore.getState().selected]).toEqual(['n2']);
    s.setCluster('a');
    expect(useUiStore.getState().selected.size).toBe(1);
    s.setCluster('b');
    expect(useUiStore.getState()).toMatchObject({ cluster: 'b', panel: null, operationId: null });
    expect(useUiStore.getState().selected.size).toBe(0);
  });
});
