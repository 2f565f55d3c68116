import { describe, expect, it } from 'vitest';
import { SimApiError } from './errors';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, patchTypeFromContentType } from './patch';

const node = {
  metadata: { name: 'n', labels: { a: '1', b: '2' }, finalizers: ['x'] },
  spec: {
    taints: [
      { key: 'k1', effect: 'NoSchedule' },
      { key: 'k2', effect: 'NoExecute' },
    ],
  },
  status: {
    conditions: [
      { type: 'Ready', status: 'True' },
      { type: 'DiskPressure', status: 'False' },
    ],
    addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
  },
};

describe('merge patch', () => {
  it('merges maps, deletes with null, replaces lists', () => {
    const out = applyMergePatch(node, {
      metadata: { labels: { a: null, c: '3' } },
      spec: { taints: [] },
    }) as typeof node;
    expect(out.metadata.labels).toEqual({ b: '2', c: '3' });
    expect(out.spec.taints).toEqual([]);
    expect(node.metadata.labels.a).toBe('1');
  });
});

describe('strategic merge patch', () => {
  it('treats spec.taints as atomic and merges conditions/addresses by type', () => {
    const out = applyStrategicMergePatch(node, {
      spec: { taints: [{ key: 'k3', effect: 'NoSchedule' }] },
      status: {
        conditions: [{ type: 'Ready', status: 'False' }],
        addresses: [{ type: 'Hostname', address: 'n' }],
      },
      $setElementOrder: 'ignored',
    }) as typeof node;
    expect(out.spec.taints).toEqual([{ key: 'k3', effect: 'NoSchedule' }]);
    expect(out.status.conditions).toEqual([
      { type: 'Ready', status: 'False' },
      { type: 'DiskPressure', status: 'False' },
    ]);
    expect(out.status.addresses).toHaveLength(2);
  });

  it('handles $patch delete, $patch replace, $setElementOrder and $deleteFromPrimitiveList', () => {
    const out = applyStrategicMergePatch(node, {
      metadata: {
        labels: { $patch: 'replace', z: '9' },
        $deleteFromPrimitiveList: undefined,
        '$deleteFromPrimitiveList/finalizers': ['x'],
      },
      status: {
        conditions: [{ type: 'DiskPressure', $patch: 'delete' }],
        '$setElementOrder/conditions': [{ type: 'Ready' }],
      },
    }) as typeof node;
    expect(out.metadata.labels).toEqual({ z: '9' });
    expect(out.metadata.finalizers).toEqual([]);
    expect(out.status.conditions).toEqual([{ type: 'Ready', status: 'True' }]);
  });
});

describe('json patch', () => {
  it('applies ops with ~1 escaping and test', () => {
    const out = applyJsonPatch(node, [
      { op: 'test', path: '/metadata/labels/a', value: '1' },
      { op: 'add', path: '/metadata/labels/example.com~1role', value: 'edge' },
      { op: 'remove', path: '/spec/taints/0' },
      { op: 'add', path: '/spec/taints/-', value: { key: 'k9', effect: 'NoSchedule' } },
      { op: 'replace', path: '/status/conditions/0/status', value: 'Unknown' },
      { op: 'copy', from: '/metadata/labels/a', path: '/metadata/labels/copy' },
      { op: 'move', from: '/metadata/labels/b', path: '/metadata/labels/moved' },
    ]) as typeof node & { metadata: { labels: Record<string, string> } };
    expect(out.metadata.labels).toEqual({ a: '1', 'example.com/role': 'edge', copy: '1', moved: '2' });
    expect(out.spec.taints.map((t) => t.key)).toEqual(['k2', 'k9']);
    expect(out.status.conditions[0]!.status).toBe('Unknown');
  });

  it('fails a whole patch with 422 on a failing op and leaves input untouched', () => {
    for (const ops of [
      [
        { op: 'add', path: '/metadata/labels/x', value: '1' },
        { op: 'test', path: '/metadata/labels/a', value: 'nope' },
      ],
      [{ op: 'remove', path: '/metadata/labels/missing' }],
      [{ op: 'replace', path: '/nope/deeper', value: 1 }],
    ]) {
      expect(() => applyJsonPatch(node, ops), JSON.stringify(ops)).toThrow(
        expect.objectContaining({ code: 422 }),
      );
    }
    expect(node.metadata.labels).toEqual({ a: '1', b: '2' });
  });

  it('rejects a non-array document with 400', () => {
    expect(() => applyJsonPatch(node, { op: 'add' })).toThrowError(/JSON array/);
  });
});

describe('patch content types', () => {
  it('maps known types and rejects others with 415', () => {
    expect(patchTypeFromContentType('application/merge-patch+json; charset=utf-8')).toBe('merge');
    expect(patchTypeFromContentType('application/strategic-merge-patch+json')).toBe('strategic');
    expect(patchTypeFromContentType('application/json-patch+json')).toBe('json');
    expect(() => patchTypeFromContentType('application/apply-patch+yaml')).toThrowError(SimApiError);
    expect(() => patchTypeFromContentType('text/plain')).toThrow(expect.objectContaining({ code: 415 }));
  });
});

describe('hostile patches', () => {
  it('never touches prototypes', () => {
    const evil = JSON.parse(
      '{"__proto__": {"polluted": "yes"}, "metadata": {"__proto__": {"x": 1}}}',
    ) as unknown;
    const a = applyMergePatch({ metadata: {} }, evil) as Record<string, unknown>;
    const b = applyStrategicMergePatch({ metadata: {} }, evil) as Record<string, unknown>;
    expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(b)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(a.metadata)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(() => applyJsonPatch({}, [{ op: 'add', path: '/__proto__/polluted', value: 'yes' }])).toThrowError(
      SimApiError,
    );
  });
});
