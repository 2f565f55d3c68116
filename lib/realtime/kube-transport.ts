import http from 'node:http';
import https, { type Agent } from 'node:https';
import { CoreV1Api, KubeConfig, Observable, Watch } from '@kubernetes/client-node';
import { serviceAccountAuthenticator } from '@/lib/k8s/service-account';
import type { InformerTransport, ListResult, WatchHandle, WatchRequest } from './informer';

/**
 * client-node adapters for the informer: CoreV1Api list calls (abortable through a
 * request middleware) and Watch. Watch.watch() only hands back its AbortController once
 * response headers arrive, so a server that stalls before that would be unkillable; we
 * give each watch its own https.Agent and destroy it on abort, which ends the request in
 * every phase.
 */

export type ResourcePath = '/api/v1/nodes' | '/api/v1/pods';

const LIST_PAGE = 500;

/**
 * Request options that make a generated CoreV1Api call abortable (e.g. with AbortSignal.timeout).
 * The object-param API runs middleware in its observable form, hence Observable here.
 */
export function abortableOptions(signal: AbortSignal): Parameters<CoreV1Api['listNode']>[1] {
  const middleware = {
    pre: (ctx: { setSignal(s: AbortSignal): void }) => {
      ctx.setSignal(signal);
      return new Observable(Promise.resolve(ctx));
    },
    post: <T>(ctx: T) => new Observable(Promise.resolve(ctx)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' } as unknown as Parameters<
    CoreV1Api['listNode']
  >[1];
}

/**
 * One list page as raw JSON. Auth, CA, client certs and proxies come from client-node
 * (applyToFetchOptions); the body is JSON.parse'd directly because client-node's model
 * deserializer costs ~1 s per 5,000 nodes, which alone would blow the cold-sync budget.
 */
interface RequestInit {
  agent?: http.Agent;
  headers?: unknown;
}

async function listPage(
  init: RequestInit,
  url: URL,
  signal: AbortSignal,
): Promise<{ items: unknown[]; rv: string; cont?: string }> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const h = init.headers as
    { forEach?: (cb: (v: string, k: string) => void) => void } | Record<string, string> | undefined;
  if (h && typeof (h as { forEach?: unknown }).forEach === 'function') {
    (h as { forEach: (cb: (v: string, k: string) => void) => void }).forEach((v, k) => (headers[k] = v));
  } else if (h) Object.assign(headers, h);
  const mod = url.protocol === 'https:' ? https : http;
  const body = await new Promise<string>((resolve, reject) => {
    const req = mod.request(url, { method: 'GET', headers, agent: init.agent, signal }, (res) => {
      const chunks: Buffer[] = [];
      let ended = false;
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('close', () => {
        if (!ended) reject(new Error(`list ${url.pathname}: connection closed mid-response`));
      });
      res.on('end', () => {
        ended = true;
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === 200) return resolve(text);
        let message = res.statusMessage ?? 'request failed';
        try {
          message = (JSON.parse(text) as { message?: string }).message ?? message;
        } catch {
          // not a Status object
        }
        reject(
          Object.assign(new Error(`list ${url.pathname}: ${res.statusCode} ${message}`), {
            statusCode: res.statusCode,
          }),
        );
      });
    });
    req.on('error', reject);
    req.end();
  });
  const parsed = JSON.parse(body) as {
    items?: unknown[];
    metadata?: { resourceVersion?: string; continue?: string };
  };
  return {
    items: parsed.items ?? [],
    rv: parsed.metadata?.resourceVersion ?? '',
    cont: parsed.metadata?.continue || undefined,
  };
}

async function listAll(
  kc: KubeConfig,
  path: ResourcePath,
  signal: AbortSignal,
  timeoutMs: number,
  reduce?: (item: unknown) => unknown,
): Promise<ListResult> {
  const sig = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error('kubeconfig has no current cluster');
  const init = (await kc.applyToFetchOptions({})) as RequestInit;
  const items: unknown[] = [];
  let cont: string | undefined;
  let rv = '';
  try {
    do {
      const url = new URL(server.replace(/\/$/, '') + path);
      url.searchParams.set('limit', String(LIST_PAGE));
      if (cont) url.searchParams.set('continue', cont);
      const page = await listPage(init, url, sig);
      for (const it of page.items) items.push(reduce ? reduce(it) : it);
      cont = page.cont;
      rv = page.rv || rv;
    } while (cont);
  } finally {
    init.agent?.destroy();
  }
  return { items, resourceVersion: rv };
}

/** Thin KubeConfig stand-in handed to Watch so we learn the agent of each request. */
function capturingConfig(kc: KubeConfig, onAgent: (a: Agent) => void): KubeConfig {
  return {
    getCurrentCluster: () => kc.getCurrentCluster(),
    applyToFetchOptions: async (opts: object) => {
      const init = await kc.applyToFetchOptions(opts);
      const agent = (init as { agent?: unknown }).agent;
      if (agent && typeof (agent as Agent).destroy === 'function') onAgent(agent as Agent);
      return init;
    },
  } as unknown as KubeConfig;
}

export function kubeTransport(kc: KubeConfig, path: ResourcePath, listTimeoutMs = 60_000): InformerTransport {
  return {
    list: (signal, reduce) => listAll(kc, path, signal, listTimeoutMs, reduce),
    watch(req: WatchRequest): WatchHandle {
      let aborted = false;
      let agent: Agent | null = null;
      let controller: AbortController | null = null;
      const kill = () => {
        controller?.abort();
        agent?.destroy();
      };
      const watch = new Watch(
        capturingConfig(kc, (a) => {
          agent = a;
          if (aborted) a.destroy();
        }),
      );
      const params: Record<string, string | number | boolean> = {
        allowWatchBookmarks: true,
        timeoutSeconds: req.timeoutSeconds,
      };
      if (req.resourceVersion) params.resourceVersion = req.resourceVersion;
      let done = false;
      watch
        .watch(
          path,
          params,
          (type, obj) => {
            if (!aborted) req.onEvent(type, obj);
          },
          (err) => {
            if (done) return;
            done = true;
            if (!aborted) req.onDone(err ?? null);
          },
        )
        .then(
          (c) => {
            controller = c;
            if (aborted) kill();
            else if (!done) req.onEstablished();
          },
          (err) => {
            if (!done && !aborted) {
              done = true;
              req.onDone(err ?? new Error('watch failed'));
            }
          },
        );
      return {
        abort() {
          if (aborted) return;
          aborted = true;
          kill();
        },
      };
    },
  };
}

export function loadKubeConfig(yaml: string, context?: string): KubeConfig {
  const kc = new KubeConfig();
  // the in-cluster kubeconfig names its token file; this reads it with rotation (lib/k8s/service-account.ts)
  kc.addAuthenticator(serviceAccountAuthenticator);
  kc.loadFromString(yaml);
  if (context) kc.setCurrentContext(context);
  return kc;
}
