import { z } from 'zod';
import { clusterNameSchema, roleSchema, tokenScopeSchema } from '@/lib/protocol/names';

/** Password length rules (NIST 800-63B: long passphrases allowed, hashing bounded). */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

/** Request bodies of the users/tokens/me routes. */
const role = roleSchema;
const clusterName = clusterNameSchema;
const password = z
  .string()
  .min(PASSWORD_MIN, { message: `must be at least ${PASSWORD_MIN} characters` })
  .max(PASSWORD_MAX);

export const userIdParams = z.object({ id: z.string().min(1).max(100) });

export const createUserBody = z.object({
  username: z.string().min(1).max(64),
  password,
  role,
  clusters: z.array(clusterName).max(500).default([]),
});

export const updateUserBody = z
  .object({
    role: role.optional(),
    clusters: z.array(clusterName).max(500).optional(),
    disabled: z.boolean().optional(),
  })
  .refine((b) => b.role !== undefined || b.clusters !== undefined || b.disabled !== undefined, {
    message: 'set at least one of role, clusters, disabled',
  });

export const resetPasswordBody = z.object({ password });

export const changeOwnPasswordBody = z.object({
  currentPassword: z.string().min(1).max(PASSWORD_MAX),
  newPassword: password,
});

export const createTokenBody = z.object({
  name: z.string().trim().min(1).max(100),
  scope: tokenScopeSchema,
  /** lifetime in days; omit for a token that does not expire */
  expiresInDays: z.number().int().min(1).max(3650).optional(),
});

export const tokenIdParams = z.object({ id: z.string().min(1).max(100) });

export const listTokensQuery = z.object({ all: z.enum(['true', 'false']).optional() });
