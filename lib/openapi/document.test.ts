import { describe, expect, it } from 'vitest';
import { openApiDocument } from './document';

describe('openApiDocument', () => {
  it('describes every node route with schemas generated from the zod schemas', () => {
    const doc = openApiDocument() as { paths: Record<string, Record<string, any>> };
    const labels = doc.paths['/api/v1/clusters/{cluster}/nodes/{node}/labels']?.post;
    expect(labels.requestBody.content['application/json'].schema.properties).toHaveProperty('set');
    const list = doc.paths['/api/v1/clusters/{cluster}/nodes']?.get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['cluster', 'labelSelector', 'sort', 'limit']),
    );
    expect(JSON.stringify(doc)).toContain('"resourceVersion"');
    expect(doc.paths['/api/v1/users']?.post.requestBody).toBeTruthy();
    expect(doc.paths['/api/v1/tokens']?.post).toBeTruthy();
  });
});
