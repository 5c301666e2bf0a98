/**
 * The MLA message types (docs/federation.md): what a node does with a request or an update from the other party.
 * Each runs in the transaction that records the message, once per message id; one that does not fit is refused with
 * `message_refused`, and nothing of it stays.
 */
import type { Queryable } from '../../db/client.ts';
import { handlingOf } from '../../shared/handling.ts';
import { nextState, otherSide } from '../../shared/mla-states.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import type { MessageHandlers } from '../federation/index.ts';
import { type Message, MessageRejected } from '../federation/index.ts';
import { blankDates } from './mla.presenters.ts';
import * as repo from './mla.repository.ts';
import { MlaRequestMessage, MlaUpdateMessage } from './mla.schema.ts';
import { changeFor, detailsProblem, isDay } from './mla-changes.ts';
import type { MlaVault } from './mla-vault.ts';

export const MLA_REQUEST = 'passage.mla.request';
export const MLA_UPDATE = 'passage.mla.update';
/** How far ahead of this node's clock the other node may date a change (the inbox allows as much for messages). */
const MAX_AHEAD_MS = 5 * 60 * 1000;

interface Deps {
  nodeId: string;
  vault: MlaVault;
  audit: AuditService;
  now: () => Date;
}

/** The other node, as the audit trail and the request's history name it. */
const nodeActor = (nodeId: string) => `node:${nodeId}`;
const asNode = (nodeId: string): RequestContext => ({
  actor: { kind: 'operator', name: nodeActor(nodeId) },
  requestId: null,
});

export function mlaMessageHandlers(deps: Deps): MessageHandlers {
  return {
    [MLA_REQUEST]: { body: MlaRequestMessage, accept: (tx, message) => receiveRequest(tx, message, deps) },
    [MLA_UPDATE]: { body: MlaUpdateMessage, accept: (tx, message) => applyUpdate(tx, message, deps) },
  };
}

/** A new request for this node to execute: its copy starts as sent, received now. */
async function receiveRequest(tx: Queryable, message: Message, deps: Deps): Promise<void> {
  const body = message.body as MlaRequestMessage;
  if (await repo.findRequest(tx, body.requestId)) refuseWith(message, 'A request with this id is already here.');
  if (body.requestedDeadline !== null && !isDay(body.requestedDeadline)) {
    refuseWith(message, 'The requested deadline is not a date.');
  }
  const receivedAt = deps.now().toISOString();
  const actor = nodeActor(message.from);
  const sealed = await deps.vault.seal(tx, body.requestId, body.persons, body.offence.summary);
  await repo.insertRequest(tx, {
    id: body.requestId,
    side: 'executing',
    state: 'sent',
    issuingNode: message.from,
    executingNode: deps.nodeId,
    caseId: null,
    urgent: body.urgent,
    requestedDeadline: body.requestedDeadline,
    issuingAuthority: body.issuingAuthority,
    executingAuthority: body.executingAuthority,
    // Kept as the issuing node set them; a node of before they travelled sends none (H0, ungraded).
    ...handlingOf(body),
    ...(await deps.vault.sealDetails(tx, body.requestId, body.measures, body.offence.legalClassification)),
    ...sealed,
    ...blankDates(),
    sentAt: body.sentAt,
    receivedAt,
    createdBy: actor,
  });
  await repo.appendHistory(tx, body.requestId, {
    action: 'receive',
    state: 'sent',
    at: receivedAt,
    actor,
    reason: null,
  });
  await deps.audit.record(tx, asNode(message.from), {
    action: 'mla.receive',
    resource: `mla:${body.requestId}`,
    outcome: 'success',
  });
}

/** The other party's step, applied to this node's copy if the procedure allows it from where the copy stands. */
async function applyUpdate(tx: Queryable, message: Message, deps: Deps): Promise<void> {
  const body = message.body as MlaUpdateMessage;
  const request = await repo.findRequest(tx, body.requestId, true);
  if (!request) return refuseWith(message, 'There is no such request on this node.');
  const party = request.side === 'issuing' ? request.executingNode : request.issuingNode;
  if (message.from !== party) refuseWith(message, 'The sender is not the other party to this request.');
  const next = nextState(body.action, otherSide(request.side), request.state);
  if (!next || next !== body.state) {
    refuseWith(message, `A request that is ${request.state} here cannot be ${body.action} by the other party.`);
  }
  if (Date.parse(body.at) > deps.now().getTime() + MAX_AHEAD_MS) refuseWith(message, 'The change is dated ahead.');
  const details = {
    reason: body.reason,
    extensionDays: body.extensionDays,
    postponedUntil: body.postponedUntil,
    receivedAt: body.receivedAt,
    transferId: body.transferId,
  };
  const problem = detailsProblem(request, body.action, details);
  if (problem) refuseWith(message, problem.message);
  const change = changeFor(request, body.action, body.state, body.at, details);
  await repo.updateRequest(tx, request.id, await deps.vault.sealReasons(tx, request.id, change));
  const entry = {
    action: body.action,
    state: body.state,
    at: body.at,
    actor: nodeActor(message.from),
    reason: body.reason?.trim() ?? null,
  };
  await repo.appendHistory(tx, request.id, await deps.vault.sealHistory(tx, request.id, entry));
  await deps.audit.record(tx, asNode(message.from), {
    action: `mla.${body.action}`,
    resource: `mla:${request.id}`,
    outcome: 'success',
  });
}

function refuseWith(message: Message, why: string): never {
  throw new MessageRejected('message_refused', why, message);
}
