import { z } from 'zod';
import { clusterNameSchema } from './names';
import { operationProgressMessageSchema, testMessageSchema } from './messages';

/**
 * The control bus between replicas (PostgreSQL LISTEN/NOTIFY, or in-process under SQLite): every
 * message type it carries, in one place. Messages name what changed; bodies that may be large stay
 * in tables and are re-read by the receiver, so a payload always fits NOTIFY.
 */

/** PostgreSQL refuses NOTIFY payloads of 8000 bytes or more; the envelope must stay below this. */
export const BUS_MAX_PAYLOAD_BYTES = 7900;
/** The one LISTEN/NOTIFY channel (an SQL identifier, so it is never quoted or interpolated from input). */
export const BUS_CHANNEL = 'knm_bus';
export const BUS_VERSION = 1;

const id = z.string().min(1).max(128);
const clusterName = clusterNameSchema;

/** Why a principal's connections must be re-checked; issue-specific reasons are added here, nowhere else. */
export const revocationReasons = [
  'user_disabled',
  'user_changed',
  'password_changed',
  'session_revoked',
  'token_revoked',
] as const;
export type RevocationReason = (typeof revocationReasons)[number];

/** A cluster was registered, got new credentials or endpoint, or was removed: reconcile it from the table. */
export const clusterChangedSchema = z.object({
  type: z.literal('cluster.changed'),
  name: clusterName,
  change: z.enum(['added', 'updated', 'removed']),
});

/**
 * A user, session or API token lost (or may have lost) its access. Receivers re-check every connection
 * of the named principal against the database and close the ones no longer valid (4001).
 */
export const principalRevokedSchema = z
  .object({
    type: z.literal('principal.revoked'),
    userId: id.optional(),
    sessionId: id.optional(),
    tokenId: id.optional(),
    reason: z.enum(revocationReasons),
  })
  .refine((m) => m.userId !== undefined || m.sessionId !== undefined || m.tokenId !== undefined, {
    message: 'name a userId, sessionId or tokenId',
    path: ['userId'],
  });

/** A pushed message every replica delivers to its own subscribers of the message's cluster. */
export const pushMessageSchema = z.object({
  type: z.literal('push.message'),
  message: z.discriminatedUnion('type', [operationProgressMessageSchema, testMessageSchema]),
});

/** Cancel asked for on one replica, for the replica running the operation (the table flag is the fallback). */
export const operationCancelSchema = z.object({ type: z.literal('operation.cancel'), id });

export const busMessageSchema = z.discriminatedUnion('type', [
  clusterChangedSchema,
  principalRevokedSchema,
  pushMessageSchema,
  operationCancelSchema,
]);
export type BusMessage = z.infer<typeof busMessageSchema>;
export type BusMessageType = BusMessage['type'];

export const busEnvelopeSchema = z.object({
  v: z.literal(BUS_VERSION),
  /** instance id of the sending replica (receivers skip their own) */
  from: id,
  /** sender's clock, epoch ms: lets receivers measure propagation */
  at: z.number().int().nonnegative(),
  msg: busMessageSchema,
});
export type BusEnvelope = z.infer<typeof busEnvelopeSchema>;

export class BusPayloadError extends Error {
  override name = 'BusPayloadError';
}

/** Validates and serializes; throws BusPayloadError for an invalid or oversized message. */
export function encodeBusEnvelope(envelope: BusEnvelope): string {
  const parsed = busEnvelopeSchema.safeParse(envelope);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new BusPayloadError(`invalid bus message: ${first?.path.join('.')}: ${first?.message}`);
  }
  const text = JSON.stringify(parsed.data);
  const bytes = Buffer.byteLength(text);
  if (bytes > BUS_MAX_PAYLOAD_BYTES) {
    throw new BusPayloadError(
      `bus message ${envelope.msg.type} is ${bytes} bytes (limit ${BUS_MAX_PAYLOAD_BYTES}); keep large bodies in tables`,
    );
  }
  return text;
}

/** Parses a received payload; anything malformed is reported, never thrown. */
export function decodeBusEnvelope(
  text: string,
): { ok: true; envelope: BusEnvelope } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, error: 'not JSON' };
  }
  const parsed = busEnvelopeSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    return { ok: false, error: `${first?.path.join('.')}: ${first?.message}` };
  }
  return { ok: true, envelope: parsed.data };
}
