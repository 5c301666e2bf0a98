/**
 * The linkage message types (docs/federation.md passage.linkage.*): a group announced to its members, an owner's
 * encodings arriving at the unit (matched on arrival), and a match reported back to an owner (an alert on its case).
 * Each runs in the transaction that records the message, once per message id; one that does not fit is refused with
 * `message_refused`, and nothing of it stays.
 */
import { ulid } from 'ulid';
import type { Queryable } from '../../db/client.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import type { MessageHandlers, MessagesService } from '../federation/index.ts';
import { type Message, MessageRejected } from '../federation/index.ts';
import * as repo from './linkage-network.repository.ts';
import {
  type EncodingRecord,
  EncodingsMessage,
  GroupMessage,
  MatchMessage,
  type RecordKind,
} from './linkage-network.schema.ts';
import { add, type LinkagePools, parseMember } from './linkage-pools.ts';

export const LINKAGE_GROUP = 'passage.linkage.group';
export const LINKAGE_ENCODINGS = 'passage.linkage.encodings';
export const LINKAGE_MATCH = 'passage.linkage.match';

/** The linkage schemas this node encodes with: their versions (SHA-256) and lengths in bits. */
export interface SchemaInfo {
  survivor: { version: string; bits: number };
  perpetrator: { version: string; bits: number };
}

export interface Deps {
  nodeId: string;
  audit: AuditService;
  pools: LinkagePools;
  schemas: () => Promise<SchemaInfo>;
  now: () => Date;
}

const asNode = (nodeId: string): RequestContext => ({
  actor: { kind: 'operator', name: `node:${nodeId}` },
  requestId: null,
});

/** The schema a kind of record is encoded with: phones travel with the perpetrators. */
export const schemaOfKind = (kind: RecordKind) => (kind === 'survivor' ? 'survivor' : 'perpetrator');

/** `messages` sends the matches found on the encodings received back to their owners. */
export function linkageMessageHandlers(messages: MessagesService, deps: Deps): MessageHandlers {
  return {
    [LINKAGE_GROUP]: { body: GroupMessage, accept: (tx, m) => receiveGroup(tx, m, deps) },
    [LINKAGE_ENCODINGS]: { body: EncodingsMessage, accept: (tx, m) => receiveEncodings(tx, m, messages, deps) },
    [LINKAGE_MATCH]: { body: MatchMessage, accept: (tx, m) => receiveMatch(tx, m, deps) },
  };
}

/** A member's copy of a group: the same id, members, schemas and threshold on every member. */
async function receiveGroup(tx: Queryable, message: Message, deps: Deps): Promise<void> {
  const body = message.body as GroupMessage;
  const members = [body.unit, ...body.owners];
  if (body.owners.includes(body.unit)) refuse(message, 'The linkage unit cannot be an owner of the group.');
  if (!members.includes(message.from)) refuse(message, 'The sender is not a member of this group.');
  if (!members.includes(deps.nodeId)) refuse(message, 'This node is not a member of this group.');
  const schemas = await deps.schemas();
  for (const [name, version] of Object.entries(body.schemaVersions)) {
    if (schemas[name as keyof SchemaInfo]?.version !== version) {
      refuse(message, `This node encodes with another version of the ${name} linkage schema.`);
    }
  }
  const inserted = await repo.insertGroup(tx, {
    id: body.groupId,
    name: body.name,
    unit: body.unit,
    owners: body.owners,
    schema: body.schema,
    threshold: body.threshold,
    perpetratorLegalBasis: body.perpetratorLegalBasis,
    createdByNode: message.from,
    createdAt: body.createdAt,
  });
  if (!inserted) refuse(message, 'A linkage group with this id is already here.');
  await deps.audit.record(tx, asNode(message.from), {
    action: 'linkage.receive_group',
    resource: `linkage-group:${body.groupId}`,
    outcome: 'success',
  });
}

/** At the unit: stores an owner's encodings (replacing its earlier ones) and matches each as it arrives. */
async function receiveEncodings(tx: Queryable, message: Message, messages: MessagesService, deps: Deps) {
  const body = message.body as EncodingsMessage;
  const group = await repo.findGroup(tx, body.groupId);
  if (!group) return refuse(message, 'There is no such linkage group on this node.');
  if (group.unit !== deps.nodeId) refuse(message, 'This node is not the linkage unit of this group.');
  if (!group.owners.includes(message.from)) refuse(message, 'The sender is not an owner in this group.');
  const schemas = await deps.schemas();
  await repo.deleteEncodings(tx, group.id, message.from, body.removed ?? []);
  const at = deps.now().toISOString();
  for (const record of body.records) {
    const schema = schemas[schemaOfKind(record.kind)];
    if (group.schema !== 'both' && group.schema !== schemaOfKind(record.kind)) {
      refuse(message, `This group does not link ${record.kind} records.`);
    }
    if (schema.version !== body.schemaVersion) refuse(message, 'The records were encoded with another schema.');
    const vector = checkRecord(message, record, schema.bits);
    const stored = { owner: message.from, ref: record.ref, kind: record.kind, schemaVersion: body.schemaVersion };
    const encoding = { ...stored, clk: record.clk ?? null, token: record.token ?? null };
    const version = await repo.putEncoding(tx, group.id, encoding, at);
    const found: { owner: string; ref: string; score: number }[] = [];
    if (vector) {
      const pool = await deps.pools.pool(tx, group, record.kind, body.schemaVersion, schema.bits);
      for (const candidate of pool.match(vector)) {
        const member = parseMember(candidate.id);
        if (member.owner === message.from) continue;
        const current = await repo.encodingVersion(tx, group.id, member.owner, member.ref);
        if (current?.version === member.version) found.push({ ...member, score: candidate.score });
      }
      add(pool, { owner: message.from, ref: record.ref, version }, vector);
    } else {
      for (const other of await repo.sameToken(tx, group.id, encoding)) found.push({ ...other, score: 1 });
    }
    for (const other of found) {
      const mine = { owner: message.from, ref: record.ref };
      if (!(await repo.insertMatch(tx, group.id, record.kind, mine, other, other.score, at))) continue;
      const match = { groupId: group.id, kind: record.kind, score: other.score, schemaVersion: body.schemaVersion };
      const options = { conversationId: group.id };
      await messages.enqueue(
        tx,
        message.from,
        LINKAGE_MATCH,
        { ...match, yours: { ref: record.ref }, theirs: { node: other.owner, ref: other.ref } },
        options,
      );
      await messages.enqueue(
        tx,
        other.owner,
        LINKAGE_MATCH,
        { ...match, yours: { ref: other.ref }, theirs: { node: message.from, ref: record.ref } },
        options,
      );
    }
  }
  await deps.audit.record(tx, asNode(message.from), {
    action: 'linkage.receive_encodings',
    resource: `linkage-group:${group.id}`,
    outcome: 'success',
  });
}

/** A CLK of the schema's length for a survivor or perpetrator; a token for a phone. */
function checkRecord(message: Message, record: EncodingRecord, bits: number): Uint8Array | null {
  if (record.kind === 'phone') {
    if (!record.token || record.clk) refuse(message, 'A phone travels as a token, and only as one.');
    return null;
  }
  if (!record.clk || record.token) refuse(message, `A ${record.kind} record travels as a CLK, and only as one.`);
  const vector = Buffer.from(record.clk, 'base64');
  if (vector.length * 8 !== bits || vector.toString('base64') !== record.clk) {
    refuse(message, `A CLK of this schema holds ${bits} bits.`);
  }
  return new Uint8Array(vector);
}

/** At an owner: the unit found one of its records in another owner's; an alert goes on the case. */
async function receiveMatch(tx: Queryable, message: Message, deps: Deps): Promise<void> {
  const body = message.body as MatchMessage;
  const group = await repo.findGroup(tx, body.groupId);
  if (!group) return refuse(message, 'There is no such linkage group on this node.');
  if (message.from !== group.unit) refuse(message, 'Only the linkage unit of the group reports matches.');
  if (!group.owners.includes(body.theirs.node) || body.theirs.node === deps.nodeId) {
    refuse(message, 'The other record is not of another owner in this group.');
  }
  const ref = await repo.findRef(tx, group.id, body.yours.ref);
  // A reference withdrawn while the match was on its way (consent withdrawn): nothing is left to alert on.
  if (!ref) return;
  if (ref.kind !== body.kind) refuse(message, 'The reference is of another kind of record.');
  const id = ulid();
  const inserted = await repo.insertAlert(tx, {
    id,
    ref: ref.ref,
    groupId: group.id,
    caseId: ref.caseId,
    kind: body.kind === 'survivor' ? 're_trafficking' : 'shared_perpetrator',
    recordKind: body.kind,
    score: body.score,
    schemaVersion: body.schemaVersion,
    otherNode: body.theirs.node,
    otherRef: body.theirs.ref,
    status: 'open',
    reason: null,
    decidedBy: null,
    decidedAt: null,
    createdAt: deps.now().toISOString(),
  });
  if (!inserted) return;
  await deps.audit.record(tx, asNode(message.from), {
    action: 'linkage.alert',
    resource: `case:${ref.caseId}`,
    outcome: 'success',
  });
}

function refuse(message: Message, why: string): never {
  throw new MessageRejected('message_refused', why, message);
}
