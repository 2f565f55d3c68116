import type { IncomingMessage } from 'node:http';
import type { SimAudit } from '../audit';
import type { FaultCommand, FaultState } from '../faults';
import type { OidcVerifier } from './oidc';
import type { SimRbac } from '../rbac/sim-rbac';
import type { KObj, ResourceDef } from '../resources';
import type { SimStore } from '../sim-store';
import type { ObjectFormat } from './format';
import type { WatchConn } from './watch';

/** Behaviour that lives outside the generic HTTP layer (pods controller, metrics, faults). */
export interface SimHooks {
  evict?(namespace: string, name: string, body: unknown): void;
  deletePod?(
    namespace: string,
    name: string,
    gracePeriodSeconds: number | undefined,
    pre?: { uid?: string; resourceVersion?: string },
  ): KObj;
  metrics?(
    resource: string,
    namespace: string | undefined,
    name: string | undefined,
    labelSelector: string | undefined,
  ): unknown;
  faultCommand?(cmd: FaultCommand): void;
}

export interface SimContext {
  store: SimStore;
  adminToken: string;
  readOnlyToken: string;
  faults: FaultState;
  bookmarkIntervalMs: number;
  /** plain-HTTP mode: requests without credentials act as admin (kubectl never sends tokens over http) */
  anonymousAdmin?: boolean;
  watches: Set<WatchConn>;
  hooks: SimHooks;
  /** ServiceAccount tokens and RBAC (evaluated only when enabled) */
  rbac?: SimRbac;
  /** ID tokens of a trusted issuer (oidc-token mode); undefined: JWTs are not accepted */
  oidc?: OidcVerifier;
  /** who did what: every resource request, with the real and the impersonated user */
  audit: SimAudit;
  /** returns a Table format when the request asks for one */
  formatFor?(req: IncomingMessage, def: ResourceDef, query: URLSearchParams): ObjectFormat | undefined;
}
