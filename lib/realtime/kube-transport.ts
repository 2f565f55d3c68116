import type { Agent } from 'node:https';
import { CoreV1Api, KubeConfig, Observable, Watch } from '@kubernetes/client-node';
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

async function listAll(
  api: CoreV1Api,
  path: ResourcePath,
  signal: AbortSignal,
  timeoutMs: number,
): Promise<ListResult> {
  const sig = AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]);
  const options = abortableOptions(sig);
  const items: unknown[] = [];
  let cont: string | undefined;
  let rv = '';
  do {
    const page =
      path === '/api/v1/nodes'
        ? await api.listNode({ limit: LIST_PAGE, _continue: cont }, options)
        : await api.listPodForAllNamespaces({ limit: LIST_PAGE, _continue: cont }, options);
    for (const it of page.items) items.push(it);
    cont = page.metadata?._continue || undefined;
    rv = page.metadata?.resourceVersion ?? rv;
  } while (cont);
  return { items, resourceVersion: rv };
}

/** Thin KubeConfig stand-in handed to Watch so we learn the agent of each request. */
function capturingConfig(kc: KubeConfig, onAgent: (a: Agent) => void): KubeConfig {
  return {
    getCurrentCluster: () => kc.getCurrentCluster(),
    applyToFetchOptions: async (opts: object) => {
      const init = await kc.applyToFetchOptions(opts as Parameters<KubeConfig['applyToFetchOptions']>[0]);
      const agent = (init as { agent?: unknown }).agent;
      if (agent && typeof (agent as Agent).destroy === 'function') onAgent(agent as Agent);
      return init;
    },
  } as unknown as KubeConfig;
}

export function kubeTransport(kc: KubeConfig, path: ResourcePath, listTimeoutMs = 60_000): InformerTransport {
  const api = kc.makeApiClient(CoreV1Api);
  return {
    list: (signal) => listAll(api, path, signal, listTimeoutMs),
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
  kc.loadFromString(yaml);
  if (context) kc.setCurrentContext(context);
  return kc;
}
