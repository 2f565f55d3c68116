import path from 'node:path';
import { loadAll } from 'js-yaml';
import { kubectl } from './kubectl';

export const deployDir = path.resolve(import.meta.dirname, '../../../deploy');

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [k: string]: unknown;
}

/** `kubectl kustomize deploy/<dir>`: renders offline, exactly as `kubectl apply -k` would apply it. */
export async function renderKustomization(dir: string): Promise<K8sObject[]> {
  const r = await kubectl(['kustomize', path.resolve(deployDir, dir)]);
  if (r.code !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${r.stderr}`);
  return (loadAll(r.stdout) as Array<K8sObject | null>).filter((o): o is K8sObject => !!o);
}

export function findObject<T = K8sObject>(objects: K8sObject[], kind: string, name?: string): T {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (!found) throw new Error(`no ${kind}${name ? ` ${name}` : ''} in the rendered manifests`);
  return found as T;
}
