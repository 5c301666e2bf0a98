/**
 * The evidence exchange message types (docs/federation.md): an inbound transfer kept pending until someone here
 * verifies and accepts it, the receiver's answer to a transfer this node sent, and permission requests about received
 * items with their decisions. Each runs in the transaction that records the message, once per message id; one that
 * does not fit is refused with `message_refused`, and nothing of it stays.
 */
import type { Queryable } from '../../db/client.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import type { EvidenceService } from '../evidence/index.ts';
import { evidenceItems } from '../evidence/index.ts';
import type { MessageHandlers } from '../federation/index.ts';
import { type Message, MessageRejected } from '../federation/index.ts';
import * as repo from './evidence-transfers.repository.ts';
import {
  PermissionDecisionMessage,
  PermissionRequestMessage,
  TransferAnswerMessage,
  TransferMessage,
} from './evidence-transfers.schema.ts';
import { DECISION_REASON, DECLINE_REASON, type ExchangeReasons, REQUEST_REASON } from './reason-vault.ts';
import type { TransferBody } from './transfer-bundle.ts';

export const TRANSFER = 'passage.evidence.transfer';
export const TRANSFER_ACCEPTED = 'passage.evidence.transfer_accepted';
export const TRANSFER_DECLINED = 'passage.evidence.transfer_declined';
export const PERMISSION_REQUEST = 'passage.evidence.permission_request';
export const PERMISSION_DECISION = 'passage.evidence.permission_decision';

interface Deps {
  nodeId: string;
  audit: AuditService;
  evidence: EvidenceService;
  reasons: ExchangeReasons;
}

/** A peer's doing, in the audit trail and as the actor of custody events it causes here. */
export const asNode = (nodeId: string): RequestContext => ({
  actor: { kind: 'operator', name: `node:${nodeId}` },
  requestId: null,
});

export function transferMessageHandlers(deps: Deps): MessageHandlers {
  return {
    [TRANSFER]: { body: TransferMessage, accept: (tx, m) => receiveTransfer(tx, m, deps) },
    [TRANSFER_ACCEPTED]: { body: TransferAnswerMessage, accept: (tx, m) => receiveAnswer(tx, m, 'accepted', deps) },
    [TRANSFER_DECLINED]: { body: TransferAnswerMessage, accept: (tx, m) => receiveAnswer(tx, m, 'declined', deps) },
    [PERMISSION_REQUEST]: {
      body: PermissionRequestMessage,
      accept: (tx, m) => receivePermissionRequest(tx, m, deps),
    },
    [PERMISSION_DECISION]: {
      body: PermissionDecisionMessage,
      accept: (tx, m) => receivePermissionDecision(tx, m, deps),
    },
  };
}

/** Kept pending with its bundle: nothing is evidence here until someone verifies and accepts it. */
async function receiveTransfer(tx: Queryable, message: Message, deps: Deps): Promise<void> {
  const body = message.body as unknown as TransferBody;
  if (await repo.findTransfer(tx, body.transferId)) refuseWith(message, 'A transfer with this id is already here.');
  const contents = body.items.map(({ content }) => Buffer.from(content, 'base64'));
  if (contents.some((bytes, i) => bytes.toString('base64') !== body.items[i]?.content)) {
    refuseWith(message, 'An item’s content is not in base64.');
  }
  await repo.insertTransfer(tx, {
    id: body.transferId,
    direction: 'in',
    peer: message.from,
    context: body.context,
    status: 'pending',
    items: body.items.map(({ content: _, ...meta }) => meta),
    checkpoint: body.checkpoint,
    messageId: message.id,
    createdBy: `node:${message.from}`,
  });
  for (const [position, bytes] of contents.entries()) await repo.insertContent(tx, body.transferId, position, bytes);
  await deps.audit.record(tx, asNode(message.from), {
    action: 'evidence.transfer_receive',
    resource: `transfer:${body.transferId}`,
    outcome: 'success',
  });
}

/** The receiver took or declined a transfer sent from here: a custody event on each item records it. */
async function receiveAnswer(
  tx: Queryable,
  message: Message,
  status: 'accepted' | 'declined',
  deps: Deps,
): Promise<void> {
  const body = message.body as TransferAnswerMessage;
  const transfer = await repo.findTransfer(tx, body.transferId, true);
  if (transfer?.direction !== 'out' || transfer.peer !== message.from) {
    return refuseWith(message, 'No such transfer was sent to the sender.');
  }
  if (transfer.status !== 'sent') refuseWith(message, `The transfer is already ${transfer.status}.`);
  await repo.decideTransfer(tx, transfer.id, {
    status,
    by: `node:${message.from}`,
    reasonSealed: await deps.reasons.seal(tx, transfer.id, DECLINE_REASON, body.reason),
  });
  const node = asNode(message.from);
  const phrase = status === 'accepted' ? 'received by' : 'declined by';
  for (const sent of transfer.items) {
    const item = await evidenceItems.findItem(tx, sent.id);
    if (item) {
      await deps.evidence.recordCustodyEvent(
        tx,
        node,
        item,
        'transferred',
        `${phrase} ${message.from}, transfer ${transfer.id}`,
      );
    }
  }
  await deps.audit.record(tx, node, {
    action: `evidence.transfer_${status}`,
    resource: `transfer:${transfer.id}`,
    outcome: 'success',
  });
}

/** A peer asks to use an item this node sent it beyond its handling code; someone here decides. */
async function receivePermissionRequest(tx: Queryable, message: Message, deps: Deps): Promise<void> {
  const body = message.body as PermissionRequestMessage;
  if (body.itemRef.node !== deps.nodeId) refuseWith(message, 'The item is not one of this node’s.');
  if (!(await evidenceItems.findItem(tx, body.itemRef.id))) refuseWith(message, 'There is no such item here.');
  if (!(await repo.wasSentTo(tx, message.from, body.itemRef.id))) {
    refuseWith(message, 'The item was not sent to the requester.');
  }
  if (await repo.findPermission(tx, body.requestId)) refuseWith(message, 'A request with this id is already here.');
  await repo.insertPermission(tx, {
    id: body.requestId,
    direction: 'in',
    peer: message.from,
    itemId: body.itemRef.id,
    originalId: body.itemRef.id,
    purpose: body.purpose,
    reasonSealed: await deps.reasons.seal(tx, body.requestId, REQUEST_REASON, body.reason),
    requestedBy: `node:${message.from}`,
  });
  await deps.audit.record(tx, asNode(message.from), {
    action: 'evidence.permission_receive',
    resource: `evidence:${body.itemRef.id}`,
    outcome: 'success',
  });
}

/** The provider's answer to a request this node made. */
async function receivePermissionDecision(tx: Queryable, message: Message, deps: Deps): Promise<void> {
  const body = message.body as PermissionDecisionMessage;
  const request = await repo.findPermission(tx, body.requestId, true);
  if (request?.direction !== 'out' || request.peer !== message.from) {
    return refuseWith(message, 'No such request was made of the sender.');
  }
  if (request.status !== 'pending') refuseWith(message, `The request is already ${request.status}.`);
  const reasonSealed = await deps.reasons.seal(tx, request.id, DECISION_REASON, body.reason);
  await repo.decidePermission(tx, request.id, { granted: body.granted, reasonSealed, by: `node:${message.from}` });
  await deps.audit.record(tx, asNode(message.from), {
    action: body.granted ? 'evidence.permission_granted' : 'evidence.permission_refused',
    resource: `evidence:${request.itemId}`,
    outcome: 'success',
  });
}

function refuseWith(message: Message, why: string): never {
  throw new MessageRejected('message_refused', why, message);
}
