/** The API contract of the messages this node exchanged with its peers. */
import { type Static, Type } from 'typebox';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const FederationMessage = Type.Object(
  {
    direction: Type.Union([Type.Literal('in'), Type.Literal('out')]),
    peer: Type.String(),
    peerName: Nullable(Type.String({ description: "The peer's name as this node knows it; null: no longer a peer" })),
    id: Type.String(),
    type: Type.String(),
    conversationId: Type.String(),
    replyTo: Nullable(Type.String()),
    sentAt: Type.String({ format: 'date-time' }),
    recordedAt: Type.String({ format: 'date-time' }),
    status: Type.Union([
      Type.Literal('queued'),
      Type.Literal('accepted'),
      Type.Literal('rejected'),
      Type.Literal('dead'),
    ]),
    reason: Nullable(Type.String()),
    messageSha256: Type.String({
      description:
        'SHA-256 of the message as it travelled, which its receipt names. The message itself is not shown: its ' +
        'body may concern a case, and is read where that case is.',
    }),
    receipt: Nullable(Type.String({ description: 'The signed receipt (compact JWS)' })),
    receiptAt: Nullable(Type.String({ format: 'date-time' })),
    attempts: Type.Integer({ description: 'Delivery attempts of an outbound message' }),
    nextAttemptAt: Nullable(Type.String({ format: 'date-time' })),
    lastError: Nullable(
      Type.String({ description: 'Why the last attempt failed: peer_unreachable, receipt_invalid, …' }),
    ),
  },
  { $id: 'FederationMessage' },
);
export type FederationMessage = Static<typeof FederationMessage>;

export const PingResult = Type.Object({
  messageId: Type.String(),
  status: Type.Union([
    Type.Literal('accepted'),
    Type.Literal('rejected'),
    Type.Literal('queued'),
    Type.Literal('dead'),
  ]),
  reason: Nullable(Type.String()),
  roundTripMs: Type.Number(),
});
export type PingResult = Static<typeof PingResult>;
