import { describe, expect, it } from 'vitest';
import { load } from 'js-yaml';
import { cordonInfo } from './cordon-info';
import { objectYaml } from './node-yaml';

describe('node YAML', () => {
  it('drops managedFields and keeps everything else, without touching the object', () => {
    const node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: 'n1',
        annotations: { a: 'b' },
        managedFields: [{ manager: 'kubelet', fieldsV1: { 'f:status': {} } }],
      },
      spec: { unschedulable: true },
    };
    const text = objectYaml(node);
    expect(text).not.toContain('managedFields');
    expect(text.startsWith('apiVersion: v1\nkind: Node\n')).toBe(true);
    expect(load(text)).toEqual({ ...node, metadata: { name: 'n1', annotations: { a: 'b' } } });
    expect(node.metadata.managedFields).toHaveLength(1);
    expect(objectYaml(undefined)).toBe('');
  });
});

describe('cordon info', () => {
  it('reads who, why and when from the annotations the app writes, only while cordoned', () => {
    const annotations = {
      'kube-node-manager.io/cordoned-by': 'alice',
      'kube-node-manager.io/cordon-reason': 'kernel upgrade',
      'kube-node-manager.io/cordoned-at': '2026-01-01T10:00:00.000Z',
    };
    expect(cordonInfo({ unschedulable: true, annotations })).toEqual({
      by: 'alice',
      reason: 'kernel upgrade',
      at: '2026-01-01T10:00:00.000Z',
    });
    expect(cordonInfo({ unschedulable: false, annotations })).toBeNull();
    // cordoned by kubectl: nothing is known
    expect(cordonInfo({ unschedulable: true, annotations: {} })).toEqual({});
  });
});
