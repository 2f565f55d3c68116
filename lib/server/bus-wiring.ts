import type { Authenticator } from '@/lib/auth/authenticator';
import { matchesRevocation } from '@/lib/auth/revocation';
import type { ControlBus } from '@/lib/bus';
import type { ClusterService } from '@/lib/clusters/cluster-service';
import type { OperationRunner } from '@/lib/operations/operation-runner';
import type { RevocationReason } from '@/lib/protocol/bus';
import type { PushHub } from '@/lib/push/hub';

const userReasons: Record<string, RevocationReason | undefined> = {
  disabled: 'user_disabled',
  updated: 'user_changed',
  password: 'password_changed',
};

/**
 * What replicas tell each other, and what each does on hearing it (clusters are followed by
 * runtime-clusters.ts itself). Publishing goes through the bus even for this replica, so one code
 * path acts everywhere; on SQLite the bus is in-process and the behaviour is the same.
 */
export function wireControlBus(deps: {
  bus: ControlBus;
  auth: Authenticator;
  hub: PushHub;
  clusters: ClusterService;
  operations: OperationRunner;
}): () => void {
  const { bus, auth, hub } = deps;
  const offs = [
    deps.clusters.onChange((c) => bus.publish({ type: 'cluster.changed', name: c.name, change: c.type })),
    auth.users.onChange((c) => {
      const reason = userReasons[c.kind];
      if (reason) void bus.publish({ type: 'principal.revoked', userId: c.userId, reason });
    }),
    // sign-out, "sign out everywhere", password change, disable: that session's (or all the user's) sockets
    auth.sessions.onChange(
      (c) =>
        void bus.publish({
          type: 'principal.revoked',
          userId: c.userId,
          ...(c.sessionId ? { sessionId: c.sessionId } : {}),
          reason: 'session_revoked',
        }),
    ),
    auth.tokens.onChange((c) => {
      if (c.kind === 'revoked')
        void bus.publish({
          type: 'principal.revoked',
          userId: c.userId,
          tokenId: c.tokenId,
          reason: 'token_revoked',
        });
    }),
    bus.subscribe((msg) => {
      switch (msg.type) {
        case 'principal.revoked':
          // re-read from the database, then close what is no longer valid (4001)
          auth.forget(msg);
          return hub.revalidate((p) => matchesRevocation(p, msg));
        case 'push.message':
          hub.publish(msg.message);
          return;
        case 'operation.cancel':
          deps.operations.cancel(msg.id);
          return;
        case 'cluster.changed':
          return;
      }
    }),
    // revocations may have been missed while the listener was away: re-check everyone now
    bus.onResync(() => {
      auth.invalidate();
      void hub.revalidate();
    }),
  ];
  return () => offs.forEach((off) => off());
}
