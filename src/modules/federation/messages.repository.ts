import type { Queryable } from '../../db/client.ts';
import type { Message } from './messages.ts';

export type MessageStatus = 'sending' | 'accepted' | 'rejected' | 'failed';

export interface MessageRow {
  direction: 'in' | 'out';
  peer: string;
  id: string;
  type: string;
  conversationId: string;
  replyTo: string | null;
  sentAt: string;
  recordedAt: string;
  jws: string;
  status: MessageStatus;
  reason: string | null;
  receipt: string | null;
  receiptAt: string | null;
}

// biome-ignore lint/suspicious/noExplicitAny: rows come untyped from the driver and are mapped here once
type Row = Record<string, any>;

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

const toRow = (r: Row): MessageRow => ({
  direction: r.direction,
  peer: r.peer,
  id: r.id,
  type: r.type,
  conversationId: r.conversation_id,
  replyTo: r.reply_to,
  sentAt: iso(r.sent_at) as string,
  recordedAt: iso(r.recorded_at) as string,
  jws: r.jws,
  status: r.status,
  reason: r.reason,
  receipt: r.receipt,
  receiptAt: iso(r.receipt_at),
});

/**
 * Records a message; false when one with the same id from (or to) the same peer is already recorded, which for an
 * inbound message means a replay.
 */
export async function insertMessage(
  q: Queryable,
  m: { direction: 'in' | 'out'; peer: string; message: Message; jws: string; status: MessageStatus },
  outcome: { reason?: string | null; receipt?: string | null; receiptAt?: string | null } = {},
): Promise<boolean> {
  const rows = await q.query(
    `insert into federation_messages
       (direction, peer, id, type, conversation_id, reply_to, sent_at, jws, status, reason, receipt, receipt_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     on conflict do nothing
     returning id`,
    [
      m.direction,
      m.peer,
      m.message.id,
      m.message.type,
      m.message.conversationId,
      m.message.replyTo,
      m.message.sentAt,
      m.jws,
      m.status,
      outcome.reason ?? null,
      outcome.receipt ?? null,
      outcome.receiptAt ?? null,
    ],
  );
  return rows.length === 1;
}

export async function recordOutcome(
  q: Queryable,
  key: { peer: string; id: string },
  outcome: { status: MessageStatus; reason: string | null; receipt: string | null; receiptAt: string | null },
): Promise<void> {
  await q.query(
    `update federation_messages set status = $3, reason = $4, receipt = $5, receipt_at = $6
     where direction = 'out' and peer = $1 and id = $2`,
    [key.peer, key.id, outcome.status, outcome.reason, outcome.receipt, outcome.receiptAt],
  );
}

export async function listMessages(
  q: Queryable,
  filter: { peer?: string; conversationId?: string; limit: number },
): Promise<MessageRow[]> {
  const rows = await q.query<Row>(
    `select * from federation_messages
     where ($1::text is null or peer = $1) and ($2::text is null or conversation_id = $2)
     order by recorded_at desc, id desc
     limit $3`,
    [filter.peer ?? null, filter.conversationId ?? null, filter.limit],
  );
  return rows.map(toRow);
}
