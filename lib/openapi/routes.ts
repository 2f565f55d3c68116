import { accountRoutes } from '@/lib/auth/openapi';
import { drainOptionsSchema } from '@/lib/nodes/drain-plan';
import { labelEditSchema, taintEditSchema } from '@/lib/nodes/node-edits';
import { batchRequestSchema, cordonParamsSchema, retryBodySchema } from '@/lib/operations/batch';
import { nodeListResponseSchema } from '@/lib/protocol/api';
import { batchPreviewResponseSchema } from '@/lib/protocol/operations';
import { clusterPermissionsSchema } from '@/lib/protocol/identity';
import { legacyNodeListParamsSchema, nodeQueryParamsSchema } from '@/lib/protocol/node-query';
import { nodeExportParamsSchema } from '@/lib/protocol/node-export';
import { healthHistorySchema } from '@/lib/protocol/health';
import {
  nodeUsageHistorySchema,
  nodeUsageQuerySchema,
  nodeUsageResponseSchema,
} from '@/lib/protocol/node-usage';
import { sseWindowBodySchema } from '@/lib/protocol/window';
import { nodeResponse, operationEnvelopeSchema as operationResponse } from '@/lib/protocol/rest';
import { applyTemplateBody, templateBody } from '@/lib/templates/template-schemas';
import type { RouteRow } from './route-row';

export type { RouteRow } from './route-row';

const nodePath = '/api/v1/clusters/{cluster}/nodes/{node}';

/** Every route the app serves: the one place that states its role and token scope (see RouteRow). */
export const routeTable: RouteRow[] = [
  { method: 'get', path: '/api/healthz', summary: 'Liveness', role: 'public', scope: null },
  {
    method: 'get',
    path: '/api/readyz',
    summary: 'Readiness: {ready} for everyone; database and cluster details for admins',
    role: 'public',
    scope: null,
  },
  {
    method: 'get',
    path: '/api/auth/{nextauth}',
    summary: 'next-auth (sign-in pages, session, CSRF token, OIDC callback)',
    role: 'public',
    scope: null,
    hidden: true,
  },
  {
    method: 'post',
    path: '/api/auth/{nextauth}',
    summary: 'next-auth (credentials sign-in, sign-out)',
    role: 'public',
    scope: null,
    hidden: true,
  },
  {
    method: 'get',
    path: '/api/v1/openapi.json',
    summary: 'This document',
    role: 'viewer',
    scope: 'read',
  },
  ...accountRoutes,
  {
    method: 'get',
    path: '/api/v1/clusters/{cluster}/nodes',
    summary: 'List nodes from the SmartCache',
    role: 'viewer',
    scope: 'read',
    cluster: 'path',
    query: nodeQueryParamsSchema,
    response: nodeListResponseSchema,
  },
  {
    method: 'get',
    path: '/api/v1/nodes',
    summary: 'List nodes (original path, ?cluster_name=)',
    role: 'viewer',
    scope: 'read',
    cluster: 'query',
    query: legacyNodeListParamsSchema,
    response: nodeListResponseSchema,
  },
  {
    method: 'get',
    path: '/api/v1/clusters/{cluster}/export/nodes',
    summary:
      "The node list for the same query as a CSV or YAML file (the table's columns; Content-Disposition)",
    role: 'viewer',
    scope: 'read',
    cluster: 'path',
    query: nodeExportParamsSchema,
  },
  {
    method: 'get',
    path: '/api/v1/export/nodes',
    summary:
      'Every cluster the caller may read, merged, as a CSV or YAML file with a cluster column (X-Skipped-Clusters names refusing ones)',
    role: 'viewer',
    scope: 'read',
    query: nodeExportParamsSchema,
  },
  {
    method: 'get',
    path: '/api/v1/clusters/{cluster}/permissions',
    summary:
      'What the cluster lets the caller do (SelfSubjectAccessReview as them: patch nodes, create pods/eviction, list pods, list nodes; cached a minute)',
    role: 'viewer',
    scope: 'read',
    cluster: 'path',
    response: clusterPermissionsSchema,
  },
  {
    method: 'get',
    path: nodePath,
    summary: 'Node detail: summary, object, pods, events, metrics',
    role: 'viewer',
    scope: 'read',
    cluster: 'path',
  },
  {
    method: 'get',
    path: `${nodePath}/usage-history`,
    summary:
      "The node's CPU, memory and pod count over the last hour, sampled every 15 s while someone asks (watched for 2 minutes after each request)",
    role: 'viewer',
    scope: 'read',
    cluster: 'path',
    response: nodeUsageHistorySchema,
  },
  {
    method: 'get',
    path: '/api/v1/clusters/{cluster}/node-usage',
    summary:
      'CPU and memory usage of the named nodes (?names=a,b, at most 500) from metrics.k8s.io, sampled at most every 15 s while asked',
    role: 'viewer',
    scope: 'read',
    cluster: 'path',
    query: nodeUsageQuerySchema,
    response: nodeUsageResponseSchema,
  },
  {
    method: 'post',
    path: `${nodePath}/labels`,
    summary: 'Set and remove labels',
    role: 'operator',
    scope: 'write',
    cluster: 'path',
    body: labelEditSchema,
    response: nodeResponse,
  },
  {
    method: 'post',
    path: `${nodePath}/taints`,
    summary: 'Add, update and remove taints',
    role: 'operator',
    scope: 'write',
    cluster: 'path',
    body: taintEditSchema,
    response: nodeResponse,
  },
  {
    method: 'post',
    path: `${nodePath}/cordon`,
    summary: 'Cordon with an optional reason',
    role: 'operator',
    scope: 'write',
    cluster: 'path',
    body: cordonParamsSchema,
    response: nodeResponse,
  },
  {
    method: 'post',
    path: `${nodePath}/uncordon`,
    summary: 'Uncordon',
    role: 'operator',
    scope: 'write',
    cluster: 'path',
    response: nodeResponse,
  },
  {
    method: 'post',
    path: `${nodePath}/drain`,
    summary: 'Drain (PDB-respecting), as a tracked operation',
    role: 'operator',
    scope: 'write',
    cluster: 'path',
    body: drainOptionsSchema,
    response: operationResponse,
    status: 202,
  },
  {
    method: 'post',
    path: '/api/v1/clusters/{cluster}/operations',
    summary: 'Start a batch operation',
    role: 'operator',
    scope: 'write',
    cluster: 'path',
    body: batchRequestSchema,
    response: operationResponse,
    status: 202,
  },
  {
    method: 'post',
    path: '/api/v1/clusters/{cluster}/operations/preview',
    summary: 'Dry run of a batch: the nodes it would affect and which are already unschedulable',
    role: 'operator',
    scope: 'write',
    cluster: 'path',
    body: batchRequestSchema,
    response: batchPreviewResponseSchema,
  },
  {
    method: 'get',
    path: '/api/v1/operations/{id}',
    summary: 'Operation progress and per-node results',
    role: 'viewer',
    scope: 'read',
    cluster: 'operation',
    response: operationResponse,
  },
  {
    method: 'post',
    path: '/api/v1/operations/{id}/cancel',
    summary: 'Cancel an operation',
    role: 'operator',
    scope: 'write',
    cluster: 'operation',
    response: operationResponse,
  },
  {
    method: 'post',
    path: '/api/v1/operations/{id}/retry',
    summary:
      'Run the nodes an interrupted, cancelled, stopped or failed operation did not finish (on any replica)',
    role: 'operator',
    scope: 'write',
    cluster: 'operation',
    body: retryBodySchema,
    response: operationResponse,
    status: 202,
  },
  { method: 'get', path: '/api/v1/templates', summary: 'List templates', role: 'viewer', scope: 'read' },
  {
    method: 'post',
    path: '/api/v1/templates',
    summary: 'Create a label or taint template (the caller owns it)',
    role: 'operator',
    scope: 'write',
    body: templateBody,
    status: 201,
  },
  { method: 'get', path: '/api/v1/templates/{id}', summary: 'One template', role: 'viewer', scope: 'read' },
  {
    method: 'put',
    path: '/api/v1/templates/{id}',
    summary: 'Replace a template (its owner or an admin)',
    role: 'operator',
    scope: 'write',
    body: templateBody,
  },
  {
    method: 'delete',
    path: '/api/v1/templates/{id}',
    summary: 'Delete a template (its owner or an admin)',
    role: 'operator',
    scope: 'write',
    status: 204,
  },
  {
    method: 'post',
    path: '/api/v1/templates/{id}/apply',
    summary: 'Apply a template to nodes as a tracked operation (system keys: admins, confirmSystem)',
    role: 'operator',
    scope: 'write',
    cluster: 'body',
    body: applyTemplateBody,
    response: operationResponse,
    status: 202,
  },
  {
    method: 'get',
    path: '/api/v1/sse/nodes',
    summary: 'Server-sent events push stream (?cluster=…&since=…; ?token= allowed here)',
    role: 'viewer',
    scope: 'read',
    cluster: 'query',
  },
  {
    method: 'post',
    path: '/api/v1/sse/windows',
    summary:
      "Open, move or close a live windowed query on the caller's SSE connection (answers on the stream)",
    role: 'viewer',
    scope: 'write',
    cluster: 'body',
    body: sseWindowBodySchema,
    status: 202,
  },
  {
    method: 'get',
    path: '/api/v1/ws/nodes',
    summary: 'WebSocket push stream (upgrade; ?cluster=…; bearer.<token> subprotocol or ?token=)',
    role: 'viewer',
    scope: 'read',
    cluster: 'query',
    upgrade: true,
  },
  {
    method: 'get',
    path: '/api/v1/ws/ping',
    summary: 'Reachability check before opening a socket',
    role: 'public',
    scope: null,
  },
  {
    method: 'get',
    path: '/api/metrics',
    summary: 'Prometheus metrics, behind Authorization: Bearer $METRICS_TOKEN (404 without METRICS_TOKEN)',
    role: 'public',
    scope: null,
  },
  {
    method: 'get',
    path: '/api/v1/health/history',
    summary: 'Health page: the last 15 minutes sampled from the metrics registry',
    role: 'admin',
    scope: 'read',
    response: healthHistorySchema,
  },
  {
    method: 'get',
    path: '/api/v1/ws/stats',
    summary: 'Push connections, counters and informer status per cluster',
    role: 'admin',
    scope: 'read',
  },
  {
    method: 'post',
    path: '/api/v1/ws/test',
    summary: "Push a test message to a cluster's subscribers",
    role: 'admin',
    scope: 'write',
    cluster: 'body',
  },
];

/** `METHOD /path` of a row, the key tests and fixtures use. */
export const routeKey = (r: Pick<RouteRow, 'method' | 'path'>) => `${r.method.toUpperCase()} ${r.path}`;
