import { beforeEach, describe, expect, it } from 'vitest';
import { useUiStore } from './ui-store';

const initial = useUiStore.getState();
beforeEach(() => useUiStore.setState(initial, true));

describe('ui store', () => {
  it('toggles sort direction on the same column and resets it on a new one', () => {
    const s = useUiStore.getState();
    s.toggleSort('name');
    expect(useUiStore.getState().query).toMatchObject({ sort: 'name', dir: 'desc' });
    s.toggleSort('pods');
    expect(useUiStore.getState().query).toMatchObject({ sort: 'pods', dir: 'asc' });
  });

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

  it('sets one filter at a time', () => {
    useUiStore.getState().setFilter('status', ['NotReady']);
    useUiStore.getState().setFilter('text', 'gpu');
    useUiStore.getState().toggleSort('pods');
    expect(useUiStore.getState().query).toMatchObject({ status: ['NotReady'], text: 'gpu', role: '' });
    useUiStore.getState().resetFilters();
    expect(useUiStore.getState().query).toMatchObject({ text: '', status: [], sort: 'pods' });
  });
});
