import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { makeNode } from '@/lib/client/test-fixtures';
import { exportCsvColumns } from '@/lib/protocol/node-export';
import { csvCell, csvCells, csvChunks, csvLine, yamlChunks } from './node-export';
import { parseCsv } from './testing/parse-csv';

describe('CSV cells', () => {
  it('quotes commas, quotes and line breaks, doubling quotes (RFC 4180)', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvLine(['a', 'b,c'])).toBe('a,"b,c"\r\n');
  });

  it('neutralizes cells a spreadsheet would run as a formula', () => {
    for (const evil of ['=HYPERLINK("http://x","y")', '+1+2', '-2+3', '@SUM(A1)', '\t=1', '\r=1'])
      expect(csvCell(evil).replace(/^"/, '').startsWith("'"), evil).toBe(true);
    expect(parseCsv(csvLine(['=1+1', 'ok']))).toEqual([["'=1+1", 'ok']]);
    // quoting applies after the apostrophe, so the quoted formula is still neutral
    expect(parseCsv(csvLine(['=A1,"x"']))).toEqual([['\'=A1,"x"']]);
    expect(csvCell('node-1')).toBe('node-1');
  });
});

describe('CSV export', () => {
  const node = makeNode('node-1', {
    unschedulable: true,
    roles: ['worker', 'gpu'],
    taints: [
      { key: 'gpu', value: 'a,b', effect: 'NoSchedule' },
      { key: '=cmd', effect: 'NoExecute' },
    ],
  });

  it('has the table columns in human units, one row per node, the cluster first when merged', () => {
    const text = [...csvChunks([{ node }], false)].join('');
    const [header, row] = parseCsv(text);
    expect(header).toEqual([...exportCsvColumns]);
    expect(row).toEqual([
      'node-1',
      'Ready',
      'false',
      'worker, gpu',
      'v1.31.2',
      '10.0.0.1',
      '1 core',
      '3.9 cores',
      '2.0 GiB',
      '15.0 GiB',
      '10',
      '110',
      'gpu=a,b:NoSchedule; =cmd:NoExecute',
      '2026-01-01T00:00:00Z',
    ]);
    expect(csvCells(node)).toHaveLength(exportCsvColumns.length);
    const merged = parseCsv([...csvChunks([{ cluster: 'prod', node }], true)].join(''));
    expect(merged[0]![0]).toBe('cluster');
    expect(merged[1]!.slice(0, 2)).toEqual(['prod', 'node-1']);
  });

  it('keeps every row across chunks and writes only the header for no nodes', () => {
    const many = Array.from({ length: 1203 }, (_, i) => ({ node: makeNode(`n-${i}`) }));
    const rows = parseCsv([...csvChunks(many, false)].join(''));
    expect(rows).toHaveLength(1204);
    expect(rows.at(-1)![0]).toBe('n-1202');
    expect(parseCsv([...csvChunks([], false)].join(''))).toEqual([[...exportCsvColumns]]);
  });
});

describe('YAML export', () => {
  it('is a list of the node summaries, cluster first when merged, across chunks', () => {
    const many = Array.from({ length: 701 }, (_, i) => ({ cluster: 'c', node: makeNode(`n-${i}`) }));
    const doc = load([...yamlChunks(many, true)].join('')) as Array<Record<string, unknown>>;
    expect(doc).toHaveLength(701);
    expect(Object.keys(doc[0]!)[0]).toBe('cluster');
    expect(doc[700]).toEqual({ cluster: 'c', ...makeNode('n-700') });
    const single = load([...yamlChunks([{ node: makeNode('a') }], false)].join(''));
    expect(single).toEqual([makeNode('a')]);
    expect(JSON.stringify(single)).not.toContain('managedFields');
    expect(load([...yamlChunks([], false)].join(''))).toEqual([]);
  });
});
