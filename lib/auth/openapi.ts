import { auditQuerySchema } from '@/lib/audit/api-schemas';
import { createClusterBody, createClusterQuery, updateClusterBody } from '@/lib/clusters/api-schemas';
import {
  changeOwnPasswordBody,
  createTokenBody,
  createUserBody,
  listTokensQuery,
  resetPasswordBody,
  updateUserBody,
} from './api-schemas';

/**
 * OpenAPI entries for the account, token, audit and cluster routes, in the same shape as
 * lib/openapi/document.ts `operations` (spread them in). Schemas are the ones the routes parse with.
 */
export const accountOperations = [
  {
    method: 'get',
    path: '/api/v1/me',
    summary: 'The caller: user, role, cluster grants, auth method',
    access: 'read',
  },
  {
    method: 'post',
    path: '/api/v1/me/password',
    summary: 'Change own password (session only; signs out older sessions)',
    access: 'read',
    body: changeOwnPasswordBody,
    status: 204,
  },
  { method: 'get', path: '/api/v1/users', summary: 'List users', access: 'admin' },
  {
    method: 'post',
    path: '/api/v1/users',
    summary: 'Create a local user',
    access: 'admin',
    body: createUserBody,
    status: 201,
  },
  { method: 'get', path: '/api/v1/users/{id}', summary: 'Get a user', access: 'admin' },
  {
    method: 'patch',
    path: '/api/v1/users/{id}',
    summary: 'Change role, cluster grants, or disable',
    access: 'admin',
    body: updateUserBody,
  },
  {
    method: 'post',
    path: '/api/v1/users/{id}/password',
    summary: 'Reset a password',
    access: 'admin',
    body: resetPasswordBody,
    status: 204,
  },
  {
    method: 'get',
    path: '/api/v1/tokens',
    summary: 'List own API tokens (admins: ?all=true)',
    access: 'read',
    query: listTokensQuery,
  },
  {
    method: 'post',
    path: '/api/v1/tokens',
    summary: 'Create an API token (plaintext returned once)',
    access: 'read',
    body: createTokenBody,
    status: 201,
  },
  { method: 'delete', path: '/api/v1/tokens/{id}', summary: 'Revoke an API token', access: 'read' },
  {
    method: 'get',
    path: '/api/v1/audit',
    summary: 'Audit log (admins: all; others: own), newest first',
    access: 'read',
    query: auditQuerySchema,
  },
  {
    method: 'get',
    path: '/api/v1/clusters',
    summary: 'Clusters visible to the caller, with sync status',
    access: 'read',
  },
  {
    method: 'post',
    path: '/api/v1/clusters',
    summary: 'Add a cluster from a kubeconfig (connection-tested; ?dryRun=true only tests)',
    access: 'admin',
    query: createClusterQuery,
    body: createClusterBody,
    status: 201,
  },
  { method: 'get', path: '/api/v1/clusters/{cluster}', summary: 'One cluster', access: 'read' },
  {
    method: 'patch',
    path: '/api/v1/clusters/{cluster}',
    summary: 'Rename or rotate credentials (re-tested)',
    access: 'admin',
    body: updateClusterBody,
  },
  {
    method: 'delete',
    path: '/api/v1/clusters/{cluster}',
    summary: 'Remove a cluster',
    access: 'admin',
    status: 204,
  },
] as const;
