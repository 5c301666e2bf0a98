/**
 * Joint investigation teams between nodes: an agreement between two or more parties and exactly one shared space, a
 * timeline of messages, tasks, members and evidence shared. Every party keeps its own copy; each entry is written
 * where it is made and sent, in the same transaction, to every other party and to no one else, so that all parties
 * show the same timeline and see who did what and when.
 */
import { monotonicFactory } from 'ulid';
import type { Db, Queryable } from '../../db/client.ts';
import { AppError, invalid, notFound } from '../../lib/errors.ts';
import { type Handling, handlingOf } from '../../shared/handling.ts';
import { type Action, actorRef, agenciesFor, can, type Purpose } from '../../shared/policy.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import type { MessageHandlers, MessagesService, PeersService } from '../federation/index.ts';
import type { KeyCustody } from '../key-custody/index.ts';
import { agencyName, userName } from '../user-accounts/index.ts';
import { endOf, JIT_AGREEMENT, JIT_ENTRY, jitMessageHandlers } from './jit.inbound.ts';
import * as repo from './jit.repository.ts';
import type { EntryData, JitEntry, NewJit, NewTask } from './jit.schema.ts';
import { JitVault } from './jit-vault.ts';

/** What an entry says, with the handling code and grading its writer gave it (H0 ungraded when none). */
type EntryContent = Pick<JitEntry, 'kind' | 'data'> & Partial<Handling>;

import { type JitSpace, type JitView, present, presentSpace } from './jit-views.ts';

/** Evidence transfers between nodes (exchange module): how evidence is shared in a JIT. */
export interface EvidenceTransfers {
  send(
    ctx: RequestContext,
    input: { to: string; itemIds: string[]; context: { kind: 'jit'; ref: string } },
    within?: (tx: Queryable, transferId: string) => Promise<void>,
  ): Promise<{ transferId: string }>;
  /** The file names of evidence items (their metadata opened), in the order asked for. */
  fileNames(q: Queryable, itemIds: readonly string[]): Promise<string[]>;
}

export interface JitOptions {
  nodeId: string;
  /** The trust list: every other party is an active peer. */
  peers: PeersService;
  /** Gives the vault in which what the entries say is sealed. */
  keyCustody: KeyCustody;
  /** Looked up when evidence is shared: the exchange module may be built after this one. */
  transfers?: () => EvidenceTransfers | undefined;
  now?: () => Date;
}

/** Increasing within the process, so that entries made in the same millisecond keep their order. */
const nextId = monotonicFactory();
const DAY = /^\d{4}-\d{2}-\d{2}$/;
// A day that does not exist (2026-02-30, 0000-00-00) makes an invalid Date, whose toISOString throws.
const isDay = (value: string) => {
  const date = new Date(`${value}T00:00:00Z`);
  return DAY.test(value) && !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
};

const ended = (jit: repo.JitRecord) =>
  new AppError('jit_ended', 409, `The JIT ended on ${jit.endsOn}: nothing more can be added to it.`);
const notAParty = (node: string) => new AppError('jit_party_unknown', 400, `${node} is not another party to this JIT.`);

export class JitService {
  readonly #db: Db;
  readonly #audit: AuditService;
  readonly #messages: MessagesService;
  readonly #vault: JitVault;
  readonly #peers: PeersService;
  readonly #nodeId: string;
  readonly #transfers: () => EvidenceTransfers | undefined;
  readonly #now: () => Date;

  constructor(db: Db, audit: AuditService, messages: MessagesService, options: JitOptions) {
    this.#db = db;
    this.#audit = audit;
    this.#messages = messages;
    this.#vault = new JitVault(options.keyCustody);
    this.#nodeId = options.nodeId;
    this.#transfers = options.transfers ?? (() => undefined);
    this.#now = options.now ?? (() => new Date());
    this.#peers = options.peers;
  }

  /** The JIT message types this node takes from peers, registered with the message layer in the composition root. */
  messageHandlers(): MessageHandlers {
    return jitMessageHandlers({ nodeId: this.#nodeId, vault: this.#vault, audit: this.#audit, now: this.#now });
  }

  /** Makes the agreement here and sends it (`passage.jit.agreement`) to every other party in the same transaction. */
  async create(ctx: RequestContext, input: NewJit): Promise<JitView> {
    const agencyIds = [...new Set(input.agencyIds ?? [])];
    await this.#audit.authorize(ctx, 'jit.manage', { resource: { sharedWith: agencyIds } });
    const terms = this.#checkTerms(input);
    const id = nextId();
    await this.#db.transaction(async (tx) => {
      for (const party of terms.parties) await this.#peers.recipient(tx, party);
      const jit: repo.JitRecord = {
        id,
        ...terms,
        parties: [this.#nodeId, ...terms.parties],
        createdByNode: this.#nodeId,
        createdAt: this.#now().toISOString(),
        agencyIds: [],
      };
      await repo.insertJit(tx, jit);
      const members: JitEntry[] = [];
      for (const agencyId of agencyIds) {
        members.push(await this.#join(tx, ctx, jit, agencyId, false));
      }
      const { agencyIds: _, createdByNode: __, id: jitId, ...agreement } = jit;
      for (const party of terms.parties) {
        await this.#messages.enqueue(
          tx,
          party,
          JIT_AGREEMENT,
          { jitId, ...agreement, members },
          { conversationId: id },
        );
      }
      await this.#audit.record(tx, ctx, { action: 'jit.create', resource: `jit:${id}`, outcome: 'success' });
    });
    return this.#summary(this.#db, await this.#load(this.#db, id));
  }

  /**
   * Names an agency of this node as taking part: its investigators and prosecutors gain access here, and the other
   * parties see it join.
   */
  async addAgency(ctx: RequestContext, jitId: string, agencyId: string): Promise<JitView> {
    await this.#authorized(ctx, 'jit.manage', jitId);
    await this.#db.transaction(async (tx) => {
      const jit = await this.#open(tx, jitId);
      if (jit.agencyIds.includes(agencyId)) {
        throw new AppError('jit_member_exists', 409, 'That agency already takes part in this JIT.');
      }
      await this.#join(tx, ctx, jit, agencyId, true);
      await this.#audit.record(tx, ctx, { action: 'jit.add_agency', resource: `jit:${jitId}`, outcome: 'success' });
    });
    return this.#summary(this.#db, await this.#load(this.#db, jitId));
  }

  /** `handling`: the handling code and grading the writer gives the message (H0 ungraded when absent). */
  async postMessage(ctx: RequestContext, jitId: string, text: string, handling?: Partial<Handling>): Promise<JitEntry> {
    const trimmed = text.trim();
    if (!trimmed) throw invalid('The message is empty.');
    return this.#write(ctx, jitId, 'jit.message', async () => ({
      kind: 'message',
      data: { text: trimmed },
      ...handlingOf(handling),
    }));
  }

  async addTask(ctx: RequestContext, jitId: string, input: NewTask): Promise<JitEntry> {
    const title = input.title.trim();
    if (!title) throw invalid('The task has no title.');
    if (input.due !== undefined && !isDay(input.due)) throw invalid('The due date is not a date (YYYY-MM-DD).');
    return this.#write(ctx, jitId, 'jit.task', async (_tx, jit) => {
      if (input.assignedNode && !jit.parties.includes(input.assignedNode)) throw notAParty(input.assignedNode);
      const data = { title, assignedNode: input.assignedNode ?? null, due: input.due ?? null };
      return { kind: 'task', data, ...handlingOf(input) };
    });
  }

  async completeTask(ctx: RequestContext, jitId: string, taskId: string): Promise<JitEntry> {
    return this.#write(ctx, jitId, 'jit.task_done', async (tx, jit) => {
      const space = presentSpace(jit, await this.#timeline(tx, jit.id), this.#now());
      const task = space.tasks.find((t) => t.id === taskId);
      if (!task) throw notFound('The task');
      if (task.status === 'done') throw new AppError('jit_task_done', 409, 'The task is already done.');
      return { kind: 'task_done', data: { taskId } };
    });
  }

  /**
   * Sends evidence items to a party as a custody transfer; the timeline entry that shows every party who shared what
   * is written in the transfer's own transaction, so that neither happens without the other.
   */
  async shareEvidence(ctx: RequestContext, jitId: string, input: { to: string; itemIds: string[] }): Promise<JitEntry> {
    const jit = await this.#authorized(ctx, 'jit.write', jitId);
    if (input.to === this.#nodeId || !jit.parties.includes(input.to)) throw notAParty(input.to);
    if (this.#now().getTime() > endOf(jit.endsOn)) throw ended(jit);
    const transfers = this.#transfers();
    if (!transfers) {
      throw new AppError('transfers_unavailable', 503, 'This node cannot transfer evidence to another node yet.');
    }
    let entry: JitEntry | undefined;
    const context = { kind: 'jit' as const, ref: jitId };
    await transfers.send(ctx, { to: input.to, itemIds: input.itemIds, context }, async (tx, transferId) => {
      const locked = await this.#open(tx, jitId);
      const files = await transfers.fileNames(tx, input.itemIds);
      const data = { transferId, to: input.to, count: input.itemIds.length, files };
      entry = await this.#append(tx, ctx, locked, { kind: 'evidence', data }, true);
      await this.#audit.record(tx, ctx, { action: 'jit.evidence', resource: `jit:${jitId}`, outcome: 'success' });
    });
    if (!entry) throw new Error('the evidence transfer did not record its JIT entry');
    return entry;
  }

  /**
   * The JITs this caller works in (or sets up): their agreements and members, newest first, without the shared space.
   */
  async list(ctx: RequestContext): Promise<JitView[]> {
    const actions: Action[] = ['jit.read', 'jit.manage'];
    if (!actions.some((action) => hasRole(ctx, action))) await this.#audit.authorize(ctx, 'jit.read');
    const reach = actions.map((action) => agenciesFor(ctx.actor, action));
    const agencies = reach.includes(null) ? null : [...new Set(reach.flat() as string[])];
    const jits = await repo.listJits(this.#db, agencies);
    await this.#audit.recordRead(ctx, { action: 'jit.list', resources: jits.map((jit) => `jit:${jit.id}`) });
    return Promise.all(jits.map((jit) => this.#summary(this.#db, jit)));
  }

  /** The JIT with its shared space, read for a purpose that the audit trail records. */
  async get(ctx: RequestContext, jitId: string, purpose: Purpose): Promise<JitSpace> {
    await this.#authorized(ctx, 'jit.read', jitId, purpose);
    return this.#db.transaction(async (tx) => {
      const jit = await this.#load(tx, jitId);
      await this.#audit.record(tx, ctx, { action: 'jit.read', resource: `jit:${jitId}`, purpose, outcome: 'success' });
      return presentSpace(jit, await this.#timeline(tx, jitId), this.#now());
    });
  }

  /** Adds an entry made by the caller, after `build` has checked it against the locked JIT. */
  async #write(
    ctx: RequestContext,
    jitId: string,
    action: string,
    build: (tx: Queryable, jit: repo.JitRecord) => Promise<EntryContent>,
  ): Promise<JitEntry> {
    await this.#authorized(ctx, 'jit.write', jitId);
    return this.#db.transaction(async (tx) => {
      const jit = await this.#open(tx, jitId);
      const entry = await this.#append(tx, ctx, jit, await build(tx, jit), true);
      await this.#audit.record(tx, ctx, { action, resource: `jit:${jitId}`, outcome: 'success' });
      return entry;
    });
  }

  /** Writes an entry here and, with `broadcast`, queues it for every other party. */
  async #append(
    tx: Queryable,
    ctx: RequestContext,
    jit: repo.JitRecord,
    content: EntryContent,
    broadcast: boolean,
  ): Promise<JitEntry> {
    const entry = {
      id: nextId(),
      node: this.#nodeId,
      author: await this.#author(tx, ctx, jit),
      at: this.#now().toISOString(),
      kind: content.kind,
      data: content.data,
      ...handlingOf(content),
    } as JitEntry;
    const { data, ...rest } = entry;
    await repo.insertEntry(tx, {
      ...rest,
      ...handlingOf(rest),
      jitId: jit.id,
      dataSealed: await this.#vault.seal(tx, entry.id, data),
    });
    if (broadcast) {
      for (const party of jit.parties.filter((p) => p !== this.#nodeId)) {
        await this.#messages.enqueue(tx, party, JIT_ENTRY, { jitId: jit.id, entry }, { conversationId: jit.id });
      }
    }
    return entry;
  }

  async #join(
    tx: Queryable,
    ctx: RequestContext,
    jit: repo.JitRecord,
    agencyId: string,
    broadcast: boolean,
  ): Promise<JitEntry> {
    const name = await agencyName(tx, agencyId);
    if (!name) throw new AppError('unknown_agency', 400, 'The agency (agencyId) does not exist on this node.');
    await repo.addAgency(tx, jit.id, agencyId, actorRef(ctx.actor));
    jit.agencyIds.push(agencyId);
    return this.#append(tx, ctx, jit, { kind: 'member', data: { agency: name } }, broadcast);
  }

  /** The person as the other parties see them: their name, and their agency taking part in the JIT. */
  async #author(q: Queryable, ctx: RequestContext, jit: repo.JitRecord): Promise<repo.Author> {
    const { actor } = ctx;
    if (actor.kind !== 'user') return { name: actorRef(actor), agency: null };
    const agencyId = actor.memberships.find((m) => m.agencyId && jit.agencyIds.includes(m.agencyId))?.agencyId;
    return {
      name: (await userName(q, actor.userId)) ?? actorRef(actor),
      agency: agencyId ? await agencyName(q, agencyId) : null,
    };
  }

  async #timeline(q: Queryable, jitId: string): Promise<JitEntry[]> {
    const sealed = await repo.entries(q, jitId);
    return Promise.all(sealed.map(async ({ dataSealed, jitId: _, ...entry }) => this.#unseal(q, entry, dataSealed)));
  }

  async #unseal(q: Queryable, entry: Omit<repo.SealedEntry, 'dataSealed' | 'jitId'>, dataSealed: string) {
    return { ...entry, data: (await this.#vault.open(q, { id: entry.id, dataSealed })) as EntryData } as JitEntry;
  }

  async #summary(q: Queryable, jit: repo.JitRecord): Promise<JitView> {
    const members = (await repo.entries(q, jit.id)).filter((e) => e.kind === 'member');
    const opened = await Promise.all(members.map(({ dataSealed, jitId: _, ...e }) => this.#unseal(q, e, dataSealed)));
    return present(jit, opened, this.#now());
  }

  /** Loads the JIT and asks the policy layer, with the agencies of this node taking part in it. */
  async #authorized(ctx: RequestContext, action: Action, jitId: string, purpose?: Purpose): Promise<repo.JitRecord> {
    const jit = await this.#load(this.#db, jitId);
    await this.#audit.authorize(ctx, action, {
      resource: { sharedWith: jit.agencyIds },
      ref: `jit:${jitId}`,
      purpose,
    });
    return jit;
  }

  /** The JIT locked for a change, which must come before its end date. */
  async #open(tx: Queryable, jitId: string): Promise<repo.JitRecord> {
    const jit = await this.#load(tx, jitId, true);
    if (this.#now().getTime() > endOf(jit.endsOn)) throw ended(jit);
    return jit;
  }

  async #load(q: Queryable, jitId: string, forUpdate = false): Promise<repo.JitRecord> {
    const jit = await repo.findJit(q, jitId, forUpdate);
    if (!jit) throw notFound('The JIT');
    return jit;
  }

  #checkTerms(input: NewJit) {
    const name = input.name.trim();
    const purpose = input.purpose.trim();
    if (!name || !purpose) throw invalid('Give the JIT a name and the purpose of the agreement.');
    const parties = [...new Set(input.parties)];
    if (parties.includes(this.#nodeId)) {
      throw invalid('Name the other parties (parties): this node takes part as the one creating the JIT.');
    }
    if (!isDay(input.startsOn) || !isDay(input.endsOn)) throw invalid('The dates are not dates (YYYY-MM-DD).');
    if (input.endsOn < input.startsOn) throw invalid('The JIT ends before it starts (endsOn is before startsOn).');
    if (this.#now().getTime() > endOf(input.endsOn)) throw invalid('The end date (endsOn) has passed.');
    return { name, purpose, parties, startsOn: input.startsOn, endsOn: input.endsOn };
  }
}

/** Whether the caller holds a role that `action` is for, whatever the JIT. */
function hasRole(ctx: RequestContext, action: Action): boolean {
  const decision = can(ctx.actor, action, {});
  return decision.allowed || decision.reason !== 'role';
}
