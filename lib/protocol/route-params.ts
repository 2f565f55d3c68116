import { z } from 'zod';

import { clusterNameSchema, nodeNameSchema } from '@/lib/protocol/names';

export const clusterParams = z.object({ cluster: clusterNameSchema });
export const nodeParams = clusterParams.extend({ node: nodeNameSchema });
export const operationParams = z.object({ id: z.uuid({ message: 'must be an operation id' }) });
