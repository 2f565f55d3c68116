import { z } from 'zod';

/**
 * Results of an audit entry. 'pending': the intent was recorded before acting and its outcome has
 * not been written (yet). 'denied': the cluster's RBAC refused it (impersonate / oidc-token modes),
 * as opposed to a failure. An operation over many nodes ends with its real outcome: 'partial' (some
 * nodes failed), 'stopped' (it met its failure limit), 'cancelled', 'interrupted' (its replica
 * stopped; a retry finishes it).
 */
export const auditResults = [
  'success',
  'failure',
  'pending',
  'denied',
  'partial',
  'stopped',
  'cancelled',
  'interrupted',
] as const;
export const auditResultSchema = z.enum(auditResults);
export type AuditResult = (typeof auditResults)[number];
