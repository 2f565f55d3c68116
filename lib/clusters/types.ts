import type { Logger } from 'pino';
import type { IdentityMode } from '@/lib/protocol/identity';
import type { HostDenylist } from '@/lib/config';
import type { ReducedKubeconfig } from './kubeconfig';
import type { ConnectionTestResult } from './connection-test';
import { CLUSTER_NAME_RULE, isClusterName } from '@/lib/protocol/names';
import { ClusterError } from './errors';

export type ClusterKind = 'kubeconfig' | 'demo' | 'in-cluster';

/** Safe to return from any API: no kubeconfig, no credentials. */
export interface ClusterRecord {
  name: string;
  displayName: string;
  kind: ClusterKind;
  context: string | null;
  server: string | null;
  /** whose identity the cluster sees when the app acts for a user */
  identityMode: IdentityMode;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface RuntimeCluster {
  name: string;
  kind: ClusterKind;
  kubeconfig?: string;
  context?: string;
  identityMode: IdentityMode;
}

export type ClusterChange = { type: 'added' | 'updated' | 'removed'; name: string; kind: ClusterKind };

export interface AddClusterInput {
  name: string;
  displayName?: string;
  kubeconfig: string;
  context?: string;
  identityMode?: IdentityMode;
}

export interface UpdateClusterInput {
  displayName?: string;
  /** rotated credentials: re-tested before they replace the stored ones */
  kubeconfig?: string;
  context?: string;
  identityMode?: IdentityMode;
}

export interface TestedKubeconfig {
  context: string;
  server: string;
  authKind: ReducedKubeconfig['authKind'];
  result: ConnectionTestResult;
}

export type ConnectionTester = (
  kubeconfigYaml: string,
  server: string,
  timeoutMs: number,
) => Promise<ConnectionTestResult>;

export interface ClusterServiceOptions {
  key: Buffer;
  logger?: Logger;
  now?: () => number;
  tester?: ConnectionTester;
  testTimeoutMs?: number;
  /** API servers may not resolve into these ranges (CLUSTER_HOST_DENYLIST) */
  denylist?: HostDenylist;
}

export const DEMO_CLUSTER_NAME = 'demo';
export const IN_CLUSTER_NAME = 'in-cluster';

export function validateClusterName(name: string): void {
  if (!isClusterName(name)) {
    throw new ClusterError(400, 'invalid_request', `name: must be ${CLUSTER_NAME_RULE}`);
  }
}
