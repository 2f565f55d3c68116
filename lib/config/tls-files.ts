import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import { ConfigError } from './errors';

export async function readTlsFiles(
  certFile: string,
  keyFile: string,
): Promise<{ cert: Buffer; key: Buffer }> {
  const read = async (file: string, variable: string) => {
    try {
      return await readFile(file);
    } catch (err) {
      throw new ConfigError(
        `Invalid configuration:\n  ${variable}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
      );
    }
  };
  return { cert: await read(certFile, 'TLS_CERT_FILE'), key: await read(keyFile, 'TLS_KEY_FILE') };
}

/** Reads both files and proves they form a usable pair (PEM parses, key matches the certificate). */
export async function checkTlsFiles(certFile: string, keyFile: string): Promise<void> {
  const material = await readTlsFiles(certFile, keyFile);
  try {
    createSecureContext(material);
  } catch (err) {
    throw new ConfigError(
      `Invalid configuration:\n  TLS_CERT_FILE, TLS_KEY_FILE: not a usable certificate and key (${(err as Error).message})`,
    );
  }
}
