import { describe, expect, it } from 'vitest';
import { summarizeNode } from '@/lib/realtime/summarize';
import { rawNode } from '@/lib/realtime/testing/node-fixture';
import { nodeRowSchema } from '@/lib/protocol/window';
import { toNodeRow } from './node-row';

function summary(labels: Record<string, string>, addresses?: { type: string; address: string }[]) {
  const raw = rawNode({ name: 'n1', labels }) as { status: { addresses: unknown } };
  if (addresses) raw.status.addresses = addresses;
  return summarizeNode(raw);
}

describe('toNodeRow', () => {
  it('carries zone, region, instance type, OS, architecture, external IP and labels', () => {
    const labels = {
      'topology.kubernetes.io/zone': 'eu-1a',
      'topology.kubernetes.io/region': 'eu-1',
      'node.kubernetes.io/instance-type': 'm6i.large',
      'failure-domain.beta.kubernetes.io/zone': 'old-zone',
    };
    const row = toNodeRow(
      summary(labels, [
        { type: 'InternalIP', address: '10.0.0.9' },
        { type: 'ExternalIP', address: '203.0.113.7' },
      ]),
    );
    expect(row).toMatchObject({
      internalIP: '10.0.0.9',
      externalIP: '203.0.113.7',
      zone: 'eu-1a',
      region: 'eu-1',
      instanceType: 'm6i.large',
      os: 'linux',
      arch: 'amd64',
      labels,
    });
    expect(nodeRowSchema.parse(row)).toEqual(row);
  });

  it('falls back to the deprecated beta labels and to empty strings', () => {
    const row = toNodeRow(
      summary({
        'failure-domain.beta.kubernetes.io/zone': 'z-old',
        'beta.kubernetes.io/instance-type': 't-old',
      }),
    );
    expect(row).toMatchObject({ zone: 'z-old', region: '', instanceType: 't-old', externalIP: '' });
  });
});
