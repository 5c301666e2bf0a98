/**
 * The inbox: a message from a peer is checked in the order docs/federation.md gives, recorded once its sender's
 * signature verified, applied when accepted, and answered with a signed receipt either way.
 */
import type { Db } from '../../db/client.ts';
import { findBadText, isCleanText } from '../../lib/text-hygiene.ts';
import type { MessageTypes } from './message-types.ts';
import type { MessageVault } from './message-vault.ts';
import * as repo from './messages.repository.ts';
import {
  MESSAGE_TYP,
  type Message,
  MessageRejected,
  messageSha256,
  openMessage,
  peek,
  REJECTIONS,
  type Receipt,
  type Signer,
  signReceipt,
} from './messages.ts';
import { type PeerDirectory, withKey } from './peer-directory.ts';

export interface InboxAnswer {
  /** The HTTP status of the answer: 200 when accepted, else the rejection's status. */
  status: 200 | (typeof REJECTIONS)[keyof typeof REJECTIONS];
  /** The signed receipt, a compact JWS. */
  receipt: string;
  outcome: Receipt;
}

const NODE_ID = /^[a-z0-9][a-z0-9-]{1,62}$/;

export class Inbox {
  readonly #db: Db;
  readonly #peers: PeerDirectory;
  readonly #types: MessageTypes;
  readonly #vault: MessageVault;
  readonly #nodeId: string;
  readonly #signer: Signer;

  constructor(
    db: Db,
    peers: PeerDirectory,
    types: MessageTypes,
    vault: MessageVault,
    self: { nodeId: string; signer: Signer },
  ) {
    this.#db = db;
    this.#peers = peers;
    this.#types = types;
    this.#vault = vault;
    this.#nodeId = self.nodeId;
    this.#signer = self.signer;
  }

  async receive(jws: string, now = new Date()): Promise<InboxAnswer> {
    const receivedAt = now.toISOString();
    const received = { at: receivedAt, sha256: messageSha256(jws) };
    let message: Message | undefined;
    try {
      const { payload, kid } = peek(jws, MESSAGE_TYP);
      // The input rule (src/lib/text-hygiene.ts) for all a peer sends, before the database is asked anything. The
      // message is not recorded: what it would write is what the rule keeps out.
      if (findBadText(payload) !== null || !isCleanText(kid, 'line')) {
        throw new MessageRejected(
          'message_malformed',
          'The message holds a character that is not allowed (a control character or a broken Unicode character).',
          payload,
        );
      }
      const from = typeof payload.from === 'string' ? payload.from : null;
      let peer = from && NODE_ID.test(from) ? await this.#peers.find(from, now) : null;
      if (!peer) throw new MessageRejected('sender_unknown', 'The sender is not a peer of this node.', payload);
      if (peer.status !== 'active') {
        throw new MessageRejected(
          'sender_suspended',
          'This node has suspended its exchanges with the sender.',
          payload,
        );
      }
      peer = await withKey(this.#peers, peer, kid, now);
      const keys = peer.keys;
      message = await openMessage(jws, (kid) => keys.find((k) => k.kid === kid)?.publicKey, {
        recipient: this.#nodeId,
        now,
      });
      const verified = message;
      const handler = this.#types.get(verified.type);
      const refusal = !handler
        ? new MessageRejected('type_unknown', `This node does not take messages of type ${verified.type}.`, verified)
        : !handler.check.Check(verified.body)
          ? new MessageRejected('body_invalid', `The body does not fit the schema of ${verified.type}.`, verified)
          : null;
      const record = async (refusal: MessageRejected | null) => {
        const outcome = this.#receipt(verified, refusal, received);
        const receipt = await signReceipt(outcome, this.#signer);
        const fresh = await this.#db.transaction(async (tx) => {
          const fresh = await repo.insertMessage(
            tx,
            {
              direction: 'in',
              peer: verified.from,
              message: verified,
              jws: await this.#vault.seal(tx, { direction: 'in', peer: verified.from, id: verified.id }, jws),
              status: outcome.status,
            },
            { reason: outcome.reason, receipt, receiptAt: receivedAt },
          );
          if (fresh && !refusal) await handler?.accept?.(tx, verified);
          return fresh;
        });
        return { fresh, outcome, receipt, refusal };
      };
      // A handler refuses a message by throwing MessageRejected('message_refused'): its effects roll back, and the
      // message is recorded as rejected with that reason.
      const {
        fresh: recorded,
        outcome,
        receipt,
        refusal: refused,
      } = await record(refusal).catch((error: unknown) => {
        if (refusal || !(error instanceof MessageRejected)) throw error;
        return record(error);
      });
      if (!recorded) {
        const first = await repo.findMessage(this.#db, { direction: 'in', peer: verified.from, id: verified.id });
        // Only the peer can sign a message with its id: whatever it signed this time, the first receipt answers it.
        const original = first?.receipt ?? undefined;
        throw new MessageRejected(
          'message_replayed',
          'A message with this id was received before.',
          verified,
          original,
        );
      }
      return { status: refused ? REJECTIONS[refused.reason] : 200, receipt, outcome };
    } catch (error) {
      if (!(error instanceof MessageRejected)) throw error;
      const outcome = this.#receipt(message ?? error.partial, error, received);
      return { status: REJECTIONS[error.reason], receipt: await signReceipt(outcome, this.#signer), outcome };
    }
  }

  #receipt(
    message: { id: string | null; from: string | null },
    refusal: MessageRejected | null,
    received: { at: string; sha256: string },
  ): Receipt {
    return {
      messageId: message.id,
      from: this.#nodeId,
      to: message.from,
      status: refusal ? 'rejected' : 'accepted',
      reason: refusal?.reason ?? null,
      receivedAt: received.at,
      messageSha256: received.sha256,
      ...(refusal?.original ? { original: refusal.original } : {}),
    };
  }
}
