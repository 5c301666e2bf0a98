import type { Queryable } from '../../db/client.ts';
import type { Message } from './messages.ts';

export type MessageStatus = 'queued' | 'accepted' | 'rejected' | 'dead';

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
  attempts: number;
  nextAttemptAt: string | null;
  lastError: string | null;
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
  attempts: Number(r.attempts),
  nextAttemptAt: iso(r.next_attempt_at),
  lastError: r.last_error,
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
  // A queued message is due from when it was made, by the node's clock (the one the worker compares with), not the
  // database server's.
  const rows = await q.query(
    `insert into federation_messages
       (direction, peer, id, type, conversation_id, reply_to, sent_at, jws, status, reason, receipt, receipt_at,
        next_attempt_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, case when $9 = 'queued' then $7::timestamptz end)
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

/** The peer's receipt for a queued message: it leaves the queue. */
export async function recordReceipt(
  q: Queryable,
  key: { peer: string; id: string },
  outcome: { status: 'accepted' | 'rejected'; reason: string | null; sent: string; receipt: string; receiptAt: string },
): Promise<void> {
  // `sent`: the message as the attempt that got the receipt signed it.
  await q.query(
    `update federation_messages
     set status = $3, reason = $4, receipt = $5, receipt_at = $6, attempts = attempts + 1, next_attempt_at = null,
         last_error = null, jws = $7
     where direction = 'out' and peer = $1 and id = $2 and status = 'queued'`,
    [key.peer, key.id, outcome.status, outcome.reason, outcome.receipt, outcome.receiptAt, outcome.sent],
  );
}

/** A failed attempt: the message waits until `next` or, without one, is given up as dead. */
export async function recordFailedAttempt(
  q: Queryable,
  key: { peer: string; id: string },
  failure: { error: string; next: Date | null },
): Promise<void> {
  await q.query(
    `update federation_messages
     set attempts = attempts + 1, last_error = $3, next_attempt_at = $4,
         status = case when $4::timestamptz is null then 'dead' else status end,
         reason = case when $4::timestamptz is null then $3 else reason end
     where direction = 'out' and peer = $1 and id = $2 and status = 'queued'`,
    [key.peer, key.id, failure.error, failure.next?.toISOString() ?? null],
  );
}

/**
 * Outgoing messages to try now, oldest first: a message is not due while an earlier one to the same peer waits for a
 * later attempt, so that a peer receives a conversation's changes in the order they were made.
 */
export async function dueMessages(q: Queryable, now: Date, limit: number): Promise<MessageRow[]> {
  const rows = await q.query<Row>(
    `select * from federation_messages m
     where direction = 'out' and status = 'queued' and next_attempt_at <= $1
       and not exists (
         select 1 from federation_messages e
         where e.direction = 'out' and e.peer = m.peer and e.status = 'queued' and e.id < m.id
           and e.next_attempt_at > $1)
     order by id
     limit $2`,
    [now.toISOString(), limit],
  );
  return rows.map(toRow);
}

export async function findMessage(
  q: Queryable,
  key: { direction: 'in' | 'out'; peer: string; id: string },
): Promise<MessageRow | null> {
  const rows = await q.query<Row>('select * from federation_messages where direction = $1 and peer = $2 and id = $3', [
    key.direction,
    key.peer,
    key.id,
  ]);
  return rows[0] ? toRow(rows[0]) : null;
}

export async function listMessages(
  q: Queryable,
  filter: { peer?: string; conversationId?: string; conversationIds?: readonly string[]; limit: number },
): Promise<MessageRow[]> {
  const rows = await q.query<Row>(
    `select * from federation_messages
     where ($1::text is null or peer = $1) and ($2::text is null or conversation_id = $2)
       and ($4::text[] is null or conversation_id = any($4::text[]))
     order by recorded_at desc, id desc
     limit $3`,
    [filter.peer ?? null, filter.conversationId ?? null, filter.limit, filter.conversationIds ?? null],
  );
  return rows.map(toRow);
}

/** The messages received from `peer` in a conversation, locked for a change of their stored copy. */
export async function receivedInConversation(
  q: Queryable,
  key: { peer: string; conversationId: string },
): Promise<MessageRow[]> {
  const rows = await q.query<Row>(
    `select * from federation_messages where direction = 'in' and peer = $1 and conversation_id = $2 for update`,
    [key.peer, key.conversationId],
  );
  return rows.map(toRow);
}

/** Replaces the stored copy of a received message (a redaction: see MessagesService.redactReceived). */
export async function replaceReceivedJws(q: Queryable, key: { peer: string; id: string }, jws: string): Promise<void> {
  await q.query(`update federation_messages set jws = $3 where direction = 'in' and peer = $1 and id = $2`, [
    key.peer,
    key.id,
    jws,
  ]);
}
