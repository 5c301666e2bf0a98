/**
 * The JIT message types (docs/federation.md): a party's copy of a new agreement, and the entries other parties add to
 * the shared timeline. Each runs in the transaction that records the message, once per message id; one that does not
 * fit is refused with `message_refused`, and nothing of it stays.
 */
import type { Queryable } from '../../db/client.ts';
import { handlingOf } from '../../shared/handling.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import type { MessageHandlers } from '../federation/index.ts';
import { type Message, MessageRejected } from '../federation/index.ts';
import * as repo from './jit.repository.ts';
import { AgreementMessage, EntryMessage, type JitEntry } from './jit.schema.ts';
import type { JitVault } from './jit-vault.ts';

export const JIT_AGREEMENT = 'passage.jit.agreement';
export const JIT_ENTRY = 'passage.jit.entry';
/** How far ahead of this node's clock another party may date an entry (the inbox allows as much for messages). */
const MAX_AHEAD_MS = 5 * 60 * 1000;

interface Deps {
  nodeId: string;
  vault: JitVault;
  audit: AuditService;
  now: () => Date;
}

/** The last instant of a JIT's last day (UTC): nothing is added after it. */
export const endOf = (endsOn: string): number => Date.parse(`${endsOn}T23:59:59.999Z`);

const asNode = (nodeId: string): RequestContext => ({
  actor: { kind: 'operator', name: `node:${nodeId}` },
  requestId: null,
});

export function jitMessageHandlers(deps: Deps): MessageHandlers {
  return {
    [JIT_AGREEMENT]: { body: AgreementMessage, accept: (tx, m) => receiveAgreement(tx, m, deps) },
    [JIT_ENTRY]: { body: EntryMessage, accept: (tx, m) => receiveEntry(tx, m, deps) },
  };
}

/** A party's copy of the agreement. No one here reads it until a coordinator names the agencies taking part. */
async function receiveAgreement(tx: Queryable, message: Message, deps: Deps): Promise<void> {
  const body = message.body as AgreementMessage;
  if (!body.parties.includes(message.from)) refuseWith(message, 'The sender is not a party to this JIT.');
  if (!body.parties.includes(deps.nodeId)) refuseWith(message, 'This node is not a party to this JIT.');
  if (body.endsOn < body.startsOn) refuseWith(message, 'The JIT ends before it starts.');
  if (deps.now().getTime() > endOf(body.endsOn)) refuseWith(message, `The JIT ended on ${body.endsOn}.`);
  if (await repo.findJit(tx, body.jitId)) refuseWith(message, 'A JIT with this id is already here.');
  await repo.insertJit(tx, {
    id: body.jitId,
    name: body.name,
    purpose: body.purpose,
    parties: body.parties,
    startsOn: body.startsOn,
    endsOn: body.endsOn,
    createdByNode: message.from,
    createdAt: body.createdAt,
  });
  for (const member of body.members) await store(tx, message, body.jitId, member, deps);
  await deps.audit.record(tx, asNode(message.from), {
    action: 'jit.receive',
    resource: `jit:${body.jitId}`,
    outcome: 'success',
  });
}

/** Another party's entry, added to this node's copy of the timeline. */
async function receiveEntry(tx: Queryable, message: Message, deps: Deps): Promise<void> {
  const { jitId, entry } = message.body as EntryMessage;
  const jit = await repo.findJit(tx, jitId, true);
  if (!jit) return refuseWith(message, 'There is no such JIT on this node.');
  if (!jit.parties.includes(message.from)) refuseWith(message, 'The sender is not a party to this JIT.');
  if (Date.parse(entry.at) > endOf(jit.endsOn)) refuseWith(message, `The JIT ended on ${jit.endsOn}.`);
  await store(tx, message, jitId, entry, deps);
  await deps.audit.record(tx, asNode(message.from), {
    action: `jit.receive_${entry.kind}`,
    resource: `jit:${jitId}`,
    outcome: 'success',
  });
}

async function store(tx: Queryable, message: Message, jitId: string, entry: JitEntry, deps: Deps): Promise<void> {
  if (entry.node !== message.from) refuseWith(message, 'A party sends only the entries it wrote.');
  if (Date.parse(entry.at) > deps.now().getTime() + MAX_AHEAD_MS) refuseWith(message, 'The entry is dated ahead.');
  const { data, ...rest } = entry;
  const stored = await repo.insertEntry(tx, {
    ...rest,
    ...handlingOf(rest),
    jitId,
    dataSealed: await deps.vault.seal(tx, entry.id, data),
  });
  if (!stored) refuseWith(message, 'An entry with this id is already here.');
}

function refuseWith(message: Message, why: string): never {
  throw new MessageRejected('message_refused', why, message);
}
