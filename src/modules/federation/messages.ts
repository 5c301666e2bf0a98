/**
 * The envelope of every message between nodes, and of the receipt that answers it (docs/federation.md): a compact
 * JWS signed with the sending node's Ed25519 key (EdDSA), whose `kid` is the key's fingerprint. No database and no
 * network here: the inbox and the sender call these with the keys they trust.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { CompactSign, compactVerify, decodeProtectedHeader } from 'jose';
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import type { Rejection } from '../../shared/federation.ts';

export const MESSAGE_TYP = 'passage-message+jws';
export const RECEIPT_TYP = 'passage-receipt+jws';
/** How far a message's `sentAt` may be from the receiver's clock. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

const ULID = '^[0-9A-HJKMNP-TV-Z]{26}$';
const NODE_ID = '^[a-z0-9][a-z0-9-]{1,62}$';
const INSTANT = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?Z$';

const Envelope = Type.Object(
  {
    id: Type.String({ pattern: ULID }),
    type: Type.String({ pattern: '^[a-z][a-z0-9_.-]{0,63}$' }),
    from: Type.String({ pattern: NODE_ID }),
    to: Type.String({ pattern: NODE_ID }),
    sentAt: Type.String({ pattern: INSTANT }),
    conversationId: Type.String({ pattern: ULID }),
    replyTo: Type.Union([Type.String({ pattern: ULID }), Type.Null()]),
    body: Type.Object({}),
  },
  { additionalProperties: false },
);
const checkEnvelope = Compile(Envelope);

const ReceiptPayload = Type.Object(
  {
    messageId: Type.Union([Type.String(), Type.Null()]),
    from: Type.String({ pattern: NODE_ID }),
    to: Type.Union([Type.String(), Type.Null()]),
    status: Type.Union([Type.Literal('accepted'), Type.Literal('rejected')]),
    reason: Type.Union([Type.String(), Type.Null()]),
    receivedAt: Type.String({ pattern: INSTANT }),
    messageSha256: Type.String({ pattern: '^[0-9a-f]{64}$' }),
    original: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
const checkReceipt = Compile(ReceiptPayload);

export interface Message {
  id: string;
  type: string;
  from: string;
  to: string;
  sentAt: string;
  conversationId: string;
  replyTo: string | null;
  body: Record<string, unknown>;
}

export interface Receipt {
  /** Null when the message could not even be read. */
  messageId: string | null;
  /** The receiving node, which signs the receipt. */
  from: string;
  /** The sender as the message named it, or null. */
  to: string | null;
  status: 'accepted' | 'rejected';
  /** The error id of a rejection (see `REJECTIONS`). */
  reason: string | null;
  receivedAt: string;
  /** SHA-256 (hex) of the bytes the inbox received: binds the receipt to exactly what was sent. */
  messageSha256: string;
  /**
   * With `message_replayed`, when the message is byte for byte the one recorded: the receipt that answered it then,
   * so that a sender whose first delivery lost its answer learns the outcome.
   */
  original?: string;
}

export interface Signer {
  /** The key's fingerprint, `SHA256:…`, sent as `kid`. */
  kid: string;
  privateKey: KeyObject;
}

/** A key a node trusts for a peer, by the peer's `kid`. */
export type KeyLookup = (kid: string) => KeyObject | undefined;

/**
 * Why an inbox refuses a message, with the HTTP status of its answer. The receipt's `reason` is the error id; the
 * answer's body is the receipt in every case.
 */
export const REJECTIONS = {
  message_malformed: 400,
  sender_unknown: 401,
  sender_suspended: 403,
  signature_invalid: 401,
  recipient_wrong: 421,
  clock_skew: 400,
  message_replayed: 409,
  type_unknown: 400,
  body_invalid: 422,
  /** The receiver's rules refuse what the message asks (a handler threw `MessageRejected` with this reason). */
  message_refused: 403,
} as const satisfies Record<Rejection, number>;
export type { Rejection };

export class MessageRejected extends Error {
  readonly reason: Rejection;
  /** What could be read of the message before it was refused. */
  readonly partial: { id: string | null; from: string | null };
  /** For `message_replayed`: the receipt that answered the first delivery, to pass on. */
  readonly original: string | undefined;
  constructor(reason: Rejection, message: string, partial: { id?: unknown; from?: unknown } = {}, original?: string) {
    super(message);
    this.name = 'MessageRejected';
    this.reason = reason;
    this.original = original;
    this.partial = {
      id: typeof partial.id === 'string' ? partial.id : null,
      from: typeof partial.from === 'string' ? partial.from : null,
    };
  }
}

const encoder = new TextEncoder();

async function sign(typ: string, payload: object, signer: Signer): Promise<string> {
  return new CompactSign(encoder.encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'EdDSA', typ, kid: signer.kid })
    .sign(signer.privateKey);
}

export function signMessage(message: Message, signer: Signer): Promise<string> {
  return sign(MESSAGE_TYP, message, signer);
}

export function signReceipt(receipt: Receipt, signer: Signer): Promise<string> {
  return sign(RECEIPT_TYP, receipt, signer);
}

/**
 * Reads a compact JWS of `typ` without trusting it yet: its `kid` and its payload, so that the caller can find the
 * sender's keys. Throws `message_malformed` for anything that is not such a JWS.
 */
export function peek(jws: string, typ: string): { kid: string; payload: Record<string, unknown> } {
  const parts = jws.split('.');
  if (parts.length !== 3) throw new MessageRejected('message_malformed', 'The body is not a compact JWS.');
  let header: ReturnType<typeof decodeProtectedHeader>;
  let payload: unknown;
  try {
    header = decodeProtectedHeader(jws);
    payload = JSON.parse(Buffer.from(parts[1] as string, 'base64url').toString('utf8'));
  } catch {
    throw new MessageRejected('message_malformed', 'The JWS header or payload is not valid JSON.');
  }
  if (header.alg !== 'EdDSA' || header.typ !== typ || typeof header.kid !== 'string') {
    throw new MessageRejected('message_malformed', `The JWS header must have alg EdDSA, typ ${typ} and a kid.`);
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new MessageRejected('message_malformed', 'The JWS payload is not a JSON object.');
  }
  return { kid: header.kid, payload: payload as Record<string, unknown> };
}

/**
 * Verifies a message from a known peer: the signature by the key named in `kid`, the envelope's shape, the
 * recipient and the clock. What is left to the inbox: the sender's standing, replays, the type and its body.
 */
export async function openMessage(
  jws: string,
  keyOf: KeyLookup,
  expect: { recipient: string; now: Date },
): Promise<Message> {
  const { kid, payload } = peek(jws, MESSAGE_TYP);
  const key = keyOf(kid);
  if (!key)
    throw new MessageRejected('signature_invalid', 'The message is signed with a key the node does not know.', payload);
  try {
    await compactVerify(jws, key, { algorithms: ['EdDSA'] });
  } catch {
    throw new MessageRejected('signature_invalid', 'The message signature does not verify.', payload);
  }
  if (!checkEnvelope.Check(payload)) {
    throw new MessageRejected('message_malformed', 'The message envelope does not have the required fields.', payload);
  }
  const message = payload as unknown as Message;
  if (message.to !== expect.recipient) {
    throw new MessageRejected(
      'recipient_wrong',
      `The message is addressed to ${message.to}, not to this node.`,
      message,
    );
  }
  const skew = Math.abs(Date.parse(message.sentAt) - expect.now.getTime());
  if (!(skew <= MAX_CLOCK_SKEW_MS)) {
    throw new MessageRejected('clock_skew', 'The message was sent more than 5 minutes from this node’s time.', message);
  }
  return message;
}

/** Verifies a receipt signed by the peer a message went to, and that it answers that message. */
/** SHA-256 (hex) of a message as sent, which its receipt names. */
export const messageSha256 = (jws: string): string => createHash('sha256').update(jws).digest('hex');

/**
 * Verifies a receipt: signed by the peer the message went to, for that message id, and, given `sent`, for exactly
 * those bytes.
 */
export async function openReceipt(
  jws: string,
  keyOf: KeyLookup,
  expect: { from: string; messageId: string; sent?: string },
) {
  const { kid, payload } = peek(jws, RECEIPT_TYP);
  const key = keyOf(kid);
  if (!key) throw new Error('the receipt is signed with a key this node does not know');
  await compactVerify(jws, key, { algorithms: ['EdDSA'] });
  if (!checkReceipt.Check(payload)) throw new Error('the receipt does not have the required fields');
  const receipt = payload as unknown as Receipt;
  if (receipt.from !== expect.from || receipt.messageId !== expect.messageId) {
    throw new Error('the receipt does not answer this message');
  }
  if (expect.sent !== undefined && receipt.messageSha256 !== messageSha256(expect.sent)) {
    throw new Error('the receipt answers other bytes than those sent');
  }
  return receipt;
}
