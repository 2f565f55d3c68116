import { describe, expect, it } from 'vitest';
import { nodeExportParamsSchema } from '@/lib/protocol/node-export';
import { nodeQuery } from '@/lib/protocol/node-query';
import { exportUrl } from './export-url';

describe('export URL', () => {
  it('carries the canonical query, which the export route parses back to the same query', () => {
    const q = nodeQuery({ text: 'gpu eu', status: ['NotReady'], sort: 'cpu', dir: 'desc' });
    const url = exportUrl('prod', q, 'csv');
    expect(url).toBe('/api/v1/clusters/prod/export/nodes?format=csv&text=gpu%20eu&status=NotReady&sort=-cpu');
    const params = Object.fromEntries(new URL(url, 'http://x').searchParams);
    expect(nodeExportParamsSchema.parse(params)).toMatchObject({ format: 'csv', text: 'gpu eu' });
    expect(exportUrl(null, nodeQuery(), 'yaml')).toBe('/api/v1/export/nodes?format=yaml');
  });
});
