import { z } from 'zod';
import { clusterNameSchema } from './names';

/** `POST /api/v1/ws/test` (admin): a `test` message to the cluster's subscribers. */
export const pushTestBody = z.object({
  cluster: clusterNameSchema,
  message: z.string().max(1000).default('test message'),
});
