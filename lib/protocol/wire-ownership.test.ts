import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { CloseCode } from './close-codes';
import { nodeEventTypes, serverMessageTypes } from './messages';
import { roles } from './names';
import { nodeSortColumns } from './node-query';
import { nodeStatusSchema } from './node-summary';

/**
 * lib/protocol owns every wire concept. This walks the syntax tree of every source file outside it
 * and fails on a second declaration: a name regex, a list or union of a wire enum's values, a close
 * code, or a zod object/enum/union schema.
 */
const root = path.resolve(import.meta.dirname, '../..');
const scanned = ['lib', 'app', 'components', 'server.ts'];

/** Files whose zod schemas are not wire shapes, or are request bodies still to move (named in the report). */
const schemaAllowed: Record<string, string> = {
  'lib/config/index.ts': 'environment variables, not a wire shape',
  'lib/nodes/node-edits.ts': 'label/taint edit bodies, beside the patch logic they feed (fleet)',
  'lib/nodes/drain-plan.ts': 'drain options, beside the plan they feed (fleet)',
  'lib/operations/batch.ts': 'batch bodies, beside the runner they feed (fleet)',
  'lib/templates/template-schemas.ts': 'template bodies built from the edit schemas (fleet)',
};
/** Outside the app's wire: the simulator speaks Kubernetes' own API. */
const skippedDirs = ['lib/protocol', 'lib/sim', 'node_modules'];

function sourceFiles(rel: string): string[] {
  const abs = path.join(root, rel);
  if (statSync(abs).isFile()) return [rel];
  const out: string[] = [];
  for (const entry of readdirSync(abs)) {
    const child = path.posix.join(rel, entry);
    if (skippedDirs.includes(child) || entry === 'testing') continue;
    if (statSync(path.join(root, child)).isDirectory()) out.push(...sourceFiles(child));
    else if (/\.tsx?$/.test(entry) && !/\.(test|d)\.tsx?$/.test(entry) && !/fixtures|fakes/.test(entry))
      out.push(child);
  }
  return out;
}

const enumSets: { name: string; values: ReadonlySet<string>; min: number }[] = [
  { name: 'roles', values: new Set(roles), min: 2 },
  { name: 'node statuses', values: new Set(nodeStatusSchema.options), min: 2 },
  { name: 'node event types', values: new Set(nodeEventTypes), min: 2 },
  { name: 'message types', values: new Set(serverMessageTypes), min: 3 },
  { name: 'sort columns', values: new Set(nodeSortColumns), min: 4 },
];
const closeCodes = new Set<number>(Object.values(CloseCode));
const zodBuilders = new Set([
  'object',
  'looseObject',
  'strictObject',
  'enum',
  'union',
  'discriminatedUnion',
  'literal',
  'record',
  'tuple',
]);

function literalTexts(nodes: readonly ts.Node[]): string[] {
  return nodes.flatMap((n) => {
    if (ts.isStringLiteral(n)) return [n.text];
    if (ts.isLiteralTypeNode(n) && ts.isStringLiteral(n.literal)) return [n.literal.text];
    return [];
  });
}

export function findWireDeclarations(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const found: string[] = [];
  const at = (n: ts.Node) => `${file}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
  const checkValues = (n: ts.Node, values: string[]) => {
    for (const set of enumSets) {
      const hits = values.filter((v) => set.values.has(v));
      if (hits.length >= set.min) found.push(`${at(n)} lists ${set.name} (${hits.join(', ')})`);
    }
  };
  const visit = (n: ts.Node) => {
    if (ts.isRegularExpressionLiteral(n) && n.text.startsWith('/^[a-z0-9]'))
      found.push(`${at(n)} declares a name rule ${n.text}`);
    else if (ts.isArrayLiteralExpression(n)) checkValues(n, literalTexts(n.elements));
    else if (ts.isUnionTypeNode(n)) checkValues(n, literalTexts(n.types));
    else if (ts.isNumericLiteral(n) && closeCodes.has(Number(n.text)))
      found.push(`${at(n)} writes close code ${n.text}`);
    else if (
      ts.isCallExpression(n) &&
      ts.isPropertyAccessExpression(n.expression) &&
      ts.isIdentifier(n.expression.expression) &&
      n.expression.expression.text === 'z' &&
      zodBuilders.has(n.expression.name.text) &&
      !(file in schemaAllowed)
    )
      found.push(`${at(n)} declares a zod schema (z.${n.expression.name.text})`);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

describe('wire concepts live in lib/protocol', () => {
  it('finds no second declaration of a name rule, enum, close code or schema elsewhere', () => {
    const found = scanned
      .flatMap(sourceFiles)
      .flatMap((f) => findWireDeclarations(f, readFileSync(path.join(root, f), 'utf8')));
    expect(found).toEqual([]);
  }, 60_000); // CPU-bound: on a loaded 2-core CI machine it takes several seconds

  it('catches each kind of duplicate (the check can fail)', () => {
    const src = `
      const re = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
      type R = 'admin' | 'operator' | 'viewer';
      const s = ['Ready', 'NotReady'];
      if (code === 4001) {}
      const body = z.object({ a: z.string() });
    `;
    expect(findWireDeclarations('lib/x.ts', src)).toHaveLength(5);
  });
});
