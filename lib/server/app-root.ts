import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * The directory holding package.json, found upward from `from`: server.ts runs from the
 * project root under tsx and from dist/ once built, and Next needs the root either way.
 */
export function appRoot(from: string): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from);
  }
}
