import type { IncomingMessage, ServerResponse } from 'node:http';
import { SimApiError, apiErrors } from '../errors';

const maxBodyBytes = 8 * 1024 * 1024;

export function sendJsonText(
  res: ServerResponse,
  code: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

export function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  headers?: Record<string, string>,
): void {
  sendJsonText(res, code, JSON.stringify(body), headers);
}

export function sendError(res: ServerResponse, err: unknown): void {
  const e =
    err instanceof SimApiError ? err : apiErrors.internal(err instanceof Error ? err.message : String(err));
  const headers: Record<string, string> = {};
  if (e.details?.retryAfterSeconds) headers['Retry-After'] = String(e.details.retryAfterSeconds);
  sendJson(res, e.code, e.toStatus(), headers);
}

/** Reads and parses a JSON request body; invalid JSON is a 400 naming the problem, oversized bodies a 413. */
export function readJsonBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBodyBytes && !failed) {
        failed = true;
        reject(new SimApiError(413, 'RequestEntityTooLarge', 'Request entity too large: limit is 8388608'));
      }
      if (!failed) chunks.push(c);
    });
    req.on('error', (err) => {
      if (!failed) reject(apiErrors.badRequest(`error reading request body: ${err.message}`));
      failed = true;
    });
    req.on('close', () => {
      if (!req.complete && !failed) {
        failed = true;
        reject(apiErrors.badRequest('request body was not completely received'));
      }
    });
    req.on('end', () => {
      if (failed) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch (err) {
        reject(apiErrors.badRequest(`the request body is not valid JSON: ${(err as Error).message}`));
      }
    });
  });
}
