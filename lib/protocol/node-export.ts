import { z } from 'zod';
import { nodeQueryParamsSchema } from './node-query';

/**
 * Export of the node table's current view: `GET /api/v1/clusters/:cluster/nodes/export` (one cluster) and
 * `GET /api/v1/nodes/export` (every cluster the caller may read, with a cluster column). The query is the
 * canonical node query (lib/protocol/node-query.ts) plus `format`, so the file holds exactly the rows the
 * table shows for the same query string.
 */
export const exportFormats = ['csv', 'yaml'] as const;
export const exportFormatSchema = z.enum(exportFormats, { message: 'must be csv or yaml' });
export type ExportFormat = z.infer<typeof exportFormatSchema>;

export const nodeExportParamsSchema = nodeQueryParamsSchema.extend({ format: exportFormatSchema });
export type NodeExportParams = z.infer<typeof nodeExportParamsSchema>;

/** The CSV header: the table's columns, requests and allocatable as separate cells in human units. */
export const exportCsvColumns = [
  'name',
  'status',
  'schedulable',
  'roles',
  'version',
  'internalIP',
  'cpuRequests',
  'cpuAllocatable',
  'memoryRequests',
  'memoryAllocatable',
  'pods',
  'podCapacity',
  'taints',
  'created',
] as const;

export const exportMediaTypes: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8; header=present',
  yaml: 'application/yaml; charset=utf-8',
};
