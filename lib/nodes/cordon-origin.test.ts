import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '@/lib/audit/audit-log';
import { makeNode } from '@/lib/client/test-fixtures';
import { resolveCordon } from './cordon-origin';

const taint = (timeAdded: string) => ({
  key: 'node.kubernetes.io/unschedulable',
  effect: 'NoSchedule' as const,
  timeAdded,
});
const annotations = {
  'kube-node-manager.io/cordoned-by': 'alice',
  'kube-node-manager.io/cordon-reason': 'kernel',
  'kube-node-manager.io/cordoned-at': '2026-03-01T10:00:00.000Z',
};
const row = (over: Partial<AuditEntry>): AuditEntry => ({
  id: 1,
  at: Date.parse('2026-03-01T10:00:00Z'),
  completedAt: null,
  userId: 'u',
  username: 'bob',
  cluster: 'c',
  target: 'n',
  action: 'node.cordon',
  parameters: { reason: 'disk' },
  result: 'success',
  error: null,
  ip: null,
  userAgent: null,
  requestId: null,
  ...over,
});
const none = () => Promise.resolve(null);

describe('who cordoned a node', () => {
  it('says nothing while schedulable and prefers our annotations without asking the audit log', async () => {
    expect(await resolveCordon(makeNode('n', { annotations }), none)).toBeNull();
    const ask = () => Promise.reject(new Error('not asked'));
    expect(await resolveCordon(makeNode('n', { unschedulable: true, annotations }), ask)).toEqual({
      source: 'app',
      by: 'alice',
      reason: 'kernel',
      at: '2026-03-01T10:00:00.000Z',
    });
  });

  it('falls back to the latest cordon in the audit log, but not past an uncordon', async () => {
    const node = makeNode('n', { unschedulable: true, taints: [taint('2026-03-01T10:00:01Z')] });
    expect(await resolveCordon(node, () => Promise.resolve(row({})))).toEqual({
      source: 'audit',
      by: 'bob',
      reason: 'disk',
      at: '2026-03-01T10:00:00.000Z',
    });
    expect(await resolveCordon(node, () => Promise.resolve(row({ action: 'node.uncordon' })))).toEqual({
      source: 'outside',
      at: '2026-03-01T10:00:01Z',
    });
  });

  it('says "outside" with the taint time when nothing of ours matches this cordon', async () => {
    expect(await resolveCordon(makeNode('n', { unschedulable: true }), none)).toEqual({ source: 'outside' });
    // kubectl uncordon left alice's annotations; a kubectl cordon a day later is not hers
    const later = makeNode('n', {
      unschedulable: true,
      annotations,
      taints: [taint('2026-03-02T10:00:00Z')],
    });
    expect(await resolveCordon(later, () => Promise.resolve(row({})))).toEqual({
      source: 'outside',
      at: '2026-03-02T10:00:00Z',
    });
  });
});
