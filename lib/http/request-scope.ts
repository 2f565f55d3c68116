import { AsyncLocalStorage } from 'node:async_hooks';

/** What the app knows about the request being served, wherever in its async call tree we are. */
export interface RequestScope {
  id: string;
  /** set by apiRoute once the caller is authenticated; the access log reports it */
  user?: string;
}

// One store per process: server.ts and Next's separately bundled route handlers load separate copies
// of this module, so the instance hangs off globalThis like the app context does.
const KEY = Symbol.for('kube-node-manager.request-scope');
type GlobalWithScope = typeof globalThis & { [KEY]?: AsyncLocalStorage<RequestScope> };

function store(): AsyncLocalStorage<RequestScope> {
  const g = globalThis as GlobalWithScope;
  return (g[KEY] ??= new AsyncLocalStorage<RequestScope>());
}

/** Runs `fn` (and everything it starts: awaits, timers, operations) inside the request's scope. */
export function runInRequestScope<T>(scope: RequestScope, fn: () => T): T {
  return store().run(scope, fn);
}

export function currentRequest(): RequestScope | undefined {
  return store().getStore();
}

export function currentRequestId(): string | undefined {
  return store().getStore()?.id;
}

/** Records who is calling, for the access log line written when the response ends. */
export function setRequestUser(username: string): void {
  const scope = store().getStore();
  if (scope) scope.user = username;
}

/**
 * Runs `fn` outside any request scope: for long-lived work a request merely triggers (a cluster's
 * informers), whose later log lines must not carry the id of the request that happened to start it.
 */
export function outsideRequest<T>(fn: () => T): T {
  return store().exit(fn);
}
