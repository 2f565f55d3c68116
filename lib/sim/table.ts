import type { IncomingMessage } from 'node:http';
import type { ObjectFormat } from './http/format';
import type { ResourceDef } from './resources';

export function tableFormatFor(_req: IncomingMessage, _def: ResourceDef, _q: URLSearchParams): ObjectFormat | undefined {
  return undefined;
}
