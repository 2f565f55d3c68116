import { z } from 'zod';

const dnsName = (what: string, max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, {
      message: `must be a valid ${what} name (lowercase letters, digits, - and .)`,
    });

export const clusterParams = z.object({ cluster: dnsName('cluster', 63) });
export const nodeParams = clusterParams.extend({ node: dnsName('node', 253) });
export const operationParams = z.object({ id: z.uuid({ message: 'must be an operation id' }) });
