import { ulid } from 'ulid';
import type { Db, Queryable } from '../../db/client.ts';
import { AppError, invalid } from '../../lib/errors.ts';
import { type FieldError, type FieldMap, type Group, isIdentityField, parseGroup } from '../../shared/case-fields.ts';
import { type Actor, actorRef, can } from '../../shared/policy.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import type { FieldVault, KeyCustody } from '../key-custody/index.ts';
import { agencyCountry, assigneesOf } from '../user-accounts/index.ts';
import type { CaseAccess } from './case-access.ts';
import { assignCase } from './case-assignment.ts';
import { openComments, stagesOf } from './case-history.ts';
import { type CaseWriting, closeImported, decideClosure, transitionCase, type WriteAction } from './case-lifecycle.ts';
import { type CaseClocks, type CaseListQuery, listCasePage, nextDeadlineOf } from './case-list.ts';
import type { CasePersons, CaseSharing } from './case-persons.ts';
import { sealClearText } from './case-reseal.ts';
import { COMMENT, openRecord, REASON, REASON_VAULT, sealCase, sealFields, splitFields } from './case-seal.ts';
import { type CaseQuery, type Finding, searchCases } from './case-search.ts';
import { type CaseEvent, type CaseRecord, type CaseRow, type CaseView, caseView, type SearchHit } from './case-view.ts';
import { refuseAccidentalReport, setCaseLabel, voidCase } from './case-void.ts';
import * as repo from './cases.repository.ts';
import {
  COMMENT_MAX,
  fieldErrors,
  type Input,
  type NewCase,
  ownAgency,
  type ValidCase,
  validateNewCase,
} from './first-report.ts';
import { SavedFilters } from './saved-filters.ts';

/** What the case service uses of the modules above it, given by the composition root. */
export interface CaseDependencies {
  persons: CasePersons;
  sharing: CaseSharing;
  access: CaseAccess;
  keyCustody: KeyCustody;
  /** Risk and MLA clocks for the case list, kept by care and mla (built after cases: given lazily). */
  clocks?: () => CaseClocks;
  now?: () => Date;
}

export class CasesService {
  readonly #db: Db;
  readonly #audit: AuditService;
  readonly #persons: CasePersons;
  readonly #access: CaseAccess;
  readonly #reasons: FieldVault;
  readonly #finding: Finding;
  readonly #writing: CaseWriting;
  readonly #listing: Finding & { clocks: () => CaseClocks | null; now: () => Date };
  /** Each user's saved filters of the case list. */
  readonly savedFilters: SavedFilters;

  constructor(db: Db, audit: AuditService, deps: CaseDependencies) {
    this.#db = db;
    this.#audit = audit;
    this.#persons = deps.persons;
    this.#access = deps.access;
    this.#reasons = deps.keyCustody.fieldVault(REASON_VAULT);
    this.#finding = { db, audit, ...deps };
    this.#listing = { ...this.#finding, clocks: deps.clocks ?? (() => null), now: deps.now ?? (() => new Date()) };
    this.savedFilters = new SavedFilters(db, audit);
    this.#writing = {
      access: deps.access,
      persons: deps.persons,
      write: (ctx, id, action, change) => this.#write(ctx, id, action, change),
      recordEvent: (tx, caseId, actor, type, data) => this.recordEvent(tx, caseId, actor, type, data),
    };
  }

  async create(ctx: RequestContext, input: NewCase & { confirmEmpty?: boolean }): Promise<CaseView> {
    const parsed = validateNewCase(input);
    if (!parsed.ok) throw fieldErrors(parsed.errors);
    // Checked on a report that is valid otherwise: a field's own problem says more than "nothing in it".
    refuseAccidentalReport(input);
    const id = await this.createValid(ctx, parsed.value);
    return this.#current(ctx, id);
  }

  /**
   * Opens the keys first reports are sealed with. A caller that stores cases in its own transaction (createValid with
   * `q`) calls it before opening that transaction: opening the keys reads the database.
   */
  async prepareSealing(): Promise<void> {
    await this.#persons.sealer();
  }

  /** Stores a validated first report; `q` lets an import put many cases in one transaction. */
  async createValid(ctx: RequestContext, valid: ValidCase, q?: Queryable): Promise<string> {
    const agencyId = ownAgency(ctx.actor, valid.agencyId);
    // A caller that passes its own transaction (the import) has authorized the whole operation already: a refusal
    // could not be audited from inside it anyway (the audit would wait on the transaction).
    // The reporter becomes the case's assignee: a grant narrowed to own cases may open one.
    const assignedTo = ctx.actor.kind === 'user' ? ctx.actor.userId : null;
    if (!q) {
      await this.#audit.authorize(ctx, 'case.create', {
        resource: { agencyId, assignedTo },
        ref: `agency:${agencyId}`,
      });
    }
    const vault = await this.#persons.sealer();
    const survivorId = ulid();
    const sealedIdentity = vault.seal(survivorId, valid.identity);
    const sealer = vault.dataSealer(survivorId, sealedIdentity.wrappedKey);
    const perpetrators = valid.perpetrators.map((p) => {
      const personId = ulid();
      return { ...p, personId, sealed: vault.seal(personId, p.identity) };
    });
    const store = async (tx: Queryable) => {
      const country = await agencyCountry(tx, agencyId);
      if (!country) throw invalid('The agency does not exist.');
      await this.#persons.insert(tx, survivorId, agencyId, valid.attributes, sealedIdentity);
      const reference = await repo.nextReference(tx, country, Number(valid.reportedAt.slice(0, 4)));
      const caseId = ulid();
      const actor = actorRef(ctx.actor);
      await repo.insertCase(tx, {
        id: caseId,
        reference,
        agencyId,
        survivorId,
        stage: 'reported',
        ...sealCase(sealer, caseId, valid.victim, valid.details, null),
        ownerId: ctx.actor.kind === 'user' ? ctx.actor.userId : null,
        reportedAt: valid.reportedAt,
        createdBy: actor,
      });
      await repo.appendEvent(tx, caseId, actor, 'created', { stage: 'reported' });
      if (valid.comment) {
        const sealed = vault.sealText(survivorId, sealedIdentity.wrappedKey, COMMENT, valid.comment);
        await repo.appendEvent(tx, caseId, actor, 'comment', { sealed });
      }
      for (const fields of valid.movements) {
        const id = ulid();
        await repo.insertMovement(tx, { id, caseId, ...splitFields(sealFields(sealer, id, fields)) });
        await repo.appendEvent(tx, caseId, actor, 'movement_added', { hte_Type: fields.hte_Type });
      }
      for (const p of perpetrators) {
        await this.#persons.insert(tx, p.personId, agencyId, p.attributes, p.sealed);
        const id = ulid();
        const fields = splitFields(sealFields(sealer, id, p.fields));
        await repo.insertPerpetrator(tx, { id, caseId, personId: p.personId, ...fields });
        await repo.appendEvent(tx, caseId, actor, 'perpetrator_added', {});
      }
      await this.#audit.record(tx, ctx, { action: 'case.create', resource: `case:${caseId}`, outcome: 'success' });
      return caseId;
    };
    return q ? store(q) : this.#db.transaction(store);
  }

  /** The case's pseudonymous record; the read is audited. */
  async get(ctx: RequestContext, id: string): Promise<CaseView> {
    const view = await this.#current(ctx, id);
    await this.#audit.recordRead(ctx, { action: 'case.read', resource: `case:${view.id}` });
    return view;
  }

  /** The case as a change left it, for the answer to that change: the change's own audit record covers it. */
  async #current(ctx: RequestContext, id: string): Promise<CaseView> {
    return this.#view(await this.#access.readable(this.#db, ctx, id));
  }

  async #view(found: CaseRow): Promise<CaseView> {
    const [person, movements, perpetrators] = await Promise.all([
      this.#persons.find(this.#db, found.survivorId),
      this.#movements(this.#db, found),
      this.#perpetrators(this.#db, found.id),
    ]);
    const erased = [...movements, ...perpetrators].flatMap((record) => record.erased);
    const strip = <T extends { erased: string[] }>({ erased: _, ...record }: T) => record;
    return caseView(found, person, movements.map(strip), perpetrators.map(strip), erased);
  }

  /** A case's movements with their sealed places opened (or named as erased). */
  async #movements(q: Queryable, found: CaseRow) {
    const rows = await repo.movements(q, found.id);
    const sealer = await this.#persons.dataSealer(q, found.survivorId);
    return rows.map((m) => openRecord(sealer, m));
  }

  async #perpetrators(q: Queryable, caseId: string) {
    const rows = await repo.perpetrators(q, caseId);
    if (rows.length === 0) return [];
    const found = await this.#access.load(q, caseId);
    const sealer = await this.#persons.dataSealer(q, found.survivorId);
    return rows.map((p) => ({ ...openRecord(sealer, p), personId: p.personId }));
  }

  /** A page of the case list, each row with what a case worker works from (case-list.ts). */
  list(ctx: RequestContext, query: CaseListQuery) {
    return listCasePage({ ...this.#listing, clocks: this.#listing.clocks() }, ctx, query);
  }

  /** The case's nearest clock, as its list row shows it; unchecked: for a caller `get` already let read it. */
  nextDeadline(caseId: string) {
    return nextDeadlineOf(this.#listing.clocks(), this.#db, caseId, this.#listing.now());
  }

  /** Sets or removes the case's non-identifying label (case-void.ts). */
  setLabel(ctx: RequestContext, id: string, label: string | null): Promise<void> {
    return setCaseLabel(this.#writing, ctx, id, label);
  }

  /** Voids a case created in error (case-void.ts). */
  void(ctx: RequestContext, id: string, reason: string): Promise<void> {
    return voidCase(this.#writing, ctx, id, reason);
  }

  /** Finds cases by the survivor's name (fuzzy, ranked), document, phone or birth date, without decrypting. */
  search(ctx: RequestContext, query: CaseQuery): Promise<SearchHit[]> {
    return searchCases(this.#finding, ctx, query);
  }

  /** Changes non-identity fields; a field set to null is removed. */
  async update(
    ctx: RequestContext,
    id: string,
    changes: { version?: number; survivor?: Input; victim?: Input; details?: Input },
  ): Promise<CaseView> {
    const errors: FieldError[] = [];
    const merge = (g: Group, path: string, current: FieldMap, input: Input | undefined): FieldMap => {
      if (!input) return current;
      const parsed = parseGroup(g, input);
      for (const e of parsed.errors) errors.push({ field: `${path}.${e.field}`, reason: e.reason });
      const next = { ...current, ...parsed.value };
      for (const [name, value] of Object.entries(input)) if (value === null || value === '') delete next[name];
      return next;
    };
    for (const name of Object.keys(changes.survivor ?? {})) {
      if (isIdentityField(name)) {
        errors.push({ field: `survivor.${name}`, reason: 'identity fields change through the identity endpoint' });
      }
    }
    await this.#access.authorize(this.#db, ctx, 'case.update', await this.#access.load(this.#db, id));
    await this.#db.transaction(async (tx) => {
      const found = await this.#access.load(tx, id, true);
      if (changes.version !== undefined && changes.version !== found.version) {
        throw new AppError(
          'stale_case',
          409,
          'Someone changed this case since you opened it. Reload it and try again.',
        );
      }
      const person = await this.#persons.find(tx, found.survivorId, true);
      const attributes = merge('person', 'survivor', person?.attributes ?? {}, changes.survivor);
      const victim = merge('victim', 'victim', found.victim, changes.victim);
      const details = merge('case', 'details', found.details, changes.details);
      if (errors.length > 0) throw fieldErrors(errors);
      await this.#persons.updateAttributes(tx, found.survivorId, attributes);
      const sealer = await this.#persons.dataSealer(tx, found.survivorId);
      await repo.updateCase(tx, id, sealCase(sealer, id, victim, details, found.closureReason));
      const fields = [changes.survivor, changes.victim, changes.details].flatMap((c) => Object.keys(c ?? {}));
      const actor = actorRef(ctx.actor);
      await repo.appendEvent(tx, id, actor, 'updated', { fields });
      if (changes.victim?.vic_TraffickingStatus !== undefined) {
        await repo.appendEvent(tx, id, actor, 'trafficking_status', {
          vic_TraffickingStatus: victim.vic_TraffickingStatus ?? null,
          vic_TraffickingStatusDecisionMakingOrg: victim.vic_TraffickingStatusDecisionMakingOrg ?? null,
        });
      }
      await this.#audit.record(tx, ctx, { action: 'case.update', resource: `case:${id}`, outcome: 'success' });
    });
    return this.#current(ctx, id);
  }

  async addComment(ctx: RequestContext, id: string, comment: string): Promise<void> {
    const text = comment.trim();
    if (!text) throw invalid('The comment is empty.');
    if (text.length > COMMENT_MAX) throw invalid(`The comment is longer than ${COMMENT_MAX} characters.`);
    const vault = await this.#persons.sealer();
    await this.#write(ctx, id, 'case.update', async (tx, actor, found) => {
      const person = await this.#persons.find(tx, found.survivorId);
      if (!person?.wrappedKey) {
        throw new AppError('identity_erased', 410, "The survivor's data was erased; the case takes no new comments.");
      }
      const sealed = vault.sealText(person.id, person.wrappedKey, COMMENT, text);
      await repo.appendEvent(tx, id, actor, 'comment', { sealed });
    });
  }

  async addMovement(ctx: RequestContext, id: string, input: Input): Promise<void> {
    const parsed = parseGroup('movement', input);
    if (parsed.errors.length > 0) throw fieldErrors(parsed.errors);
    if (!parsed.value.hte_Type) throw fieldErrors([{ field: 'hte_Type', reason: 'a movement needs its type' }]);
    await this.#write(ctx, id, 'case.update', async (tx, actor, found) => {
      const sealer = await this.#persons.dataSealer(tx, found.survivorId);
      const movementId = ulid();
      await repo.insertMovement(tx, {
        id: movementId,
        caseId: id,
        ...splitFields(sealFields(sealer, movementId, parsed.value)),
      });
      await repo.appendEvent(tx, id, actor, 'movement_added', { hte_Type: parsed.value.hte_Type });
    });
  }

  async addPerpetrator(ctx: RequestContext, id: string, input: { person?: Input; fields?: Input }): Promise<void> {
    const parsed = validateNewCase({ survivor: {}, perpetrators: [input] });
    if (!parsed.ok) throw fieldErrors(parsed.errors);
    const [p] = parsed.value.perpetrators;
    if (!p) throw invalid('Describe the perpetrator.');
    const personId = ulid();
    const sealed = (await this.#persons.sealer()).seal(personId, p.identity);
    await this.#write(ctx, id, 'case.update', async (tx, actor, found) => {
      await this.#persons.insert(tx, personId, found.agencyId, p.attributes, sealed);
      const sealer = await this.#persons.dataSealer(tx, found.survivorId);
      const perpetratorId = ulid();
      const fields = splitFields(sealFields(sealer, perpetratorId, p.fields));
      await repo.insertPerpetrator(tx, { id: perpetratorId, caseId: id, personId, ...fields });
      await repo.appendEvent(tx, id, actor, 'perpetrator_added', {});
    });
  }

  /**
   * Moves a case to another stage. Asking for `closed` files a closure request instead: a supervisor other than the
   * requester approves or rejects it (decideClosure).
   */
  async transition(ctx: RequestContext, id: string, to: string, reason: string): Promise<CaseView> {
    await transitionCase(this.#writing, ctx, id, to, reason);
    return this.#current(ctx, id);
  }

  async decideClosure(ctx: RequestContext, id: string, approve: boolean, reason?: string): Promise<CaseView> {
    await decideClosure(this.#writing, ctx, id, approve, reason);
    return this.#current(ctx, id);
  }

  /** Every event in order; comments decrypted, or marked erased once the survivor's data key is gone. */
  async timeline(ctx: RequestContext, id: string): Promise<CaseEvent[]> {
    const found = await this.#access.readable(this.#db, ctx, id);
    let events = await repo.caseEvents(this.#db, id);
    if (!CasesService.ownsCase(ctx.actor, found)) {
      // An agency that received the case by referral does not learn which other agencies were offered it.
      const mine = ctx.actor.kind === 'user' ? ctx.actor.memberships.map((m) => m.agencyId) : [];
      events = events.filter((e) => !e.type.startsWith('referral_') || mine.includes(e.data.toAgencyId as string));
    }
    const opened = await this.openComments(found, events);
    await this.#audit.recordRead(ctx, { action: 'case.timeline', resource: `case:${id}` });
    return opened;
  }

  /** Comments and reasons opened, or marked erased once the survivor's data key is gone (case-history.ts). */
  openComments(found: CaseRow, events: CaseEvent[]): Promise<CaseEvent[]> {
    return openComments(this.#db, this.#persons, this.#reasons, found, events);
  }

  /**
   * Adds an event to the case's timeline in the caller's transaction (modules acting on a case record theirs). A
   * `reason` is free text that may name people: it is sealed under the survivor's data key, bound to the case. Once
   * that key is gone (the event that records the erasure itself) it is sealed under the node data key instead.
   */
  async recordEvent(
    tx: Queryable,
    caseId: string,
    actor: string,
    type: string,
    data: Record<string, unknown> = {},
  ): Promise<void> {
    const { reason, ...rest } = data;
    if (typeof reason !== 'string') return repo.appendEvent(tx, caseId, actor, type, data);
    const found = await repo.findCase(tx, caseId);
    const sealer = found ? await this.#persons.dataSealer(tx, found.survivorId) : null;
    if (!sealer || sealer.erased) {
      const reasonVaulted = await this.#reasons.seal(tx, caseId, REASON, reason);
      return repo.appendEvent(tx, caseId, actor, type, { ...rest, reasonVaulted });
    }
    await repo.appendEvent(tx, caseId, actor, type, { ...rest, reasonSealed: sealer.seal(caseId, REASON, reason) });
  }

  /** A case's perpetrators with their sealed fields opened (omitted once erased). */
  async perpetrators(q: Queryable, caseId: string): Promise<{ id: string; personId: string; fields: FieldMap }[]> {
    return (await this.#perpetrators(q, caseId)).map(({ erased: _, ...p }) => p);
  }

  /**
   * An agency's cases as whole records, oldest first, for an export the caller authorized: each case with its first
   * movement, first perpetrator and first comment (opened).
   */
  async recordsOfAgency(agencyId: string): Promise<CaseRecord[]> {
    const records: CaseRecord[] = [];
    for (const id of await repo.caseIdsOfAgency(this.#db, agencyId)) {
      const found = await this.#access.load(this.#db, id);
      const [movement] = (await this.#movements(this.#db, found)).map(({ erased: _, ...m }) => m);
      const [perpetrator] = await this.perpetrators(this.#db, id);
      const [comment] = await this.openComments(found, await repo.caseEvents(this.#db, id, 'comment'));
      const text = comment?.data.cco_CaseComment;
      records.push({ found, movement, perpetrator, comment: typeof text === 'string' ? text : undefined });
    }
    return records;
  }

  /** Closes a case an import brought in as closed, in the import's transaction. */
  closeImported(tx: Queryable, caseId: string, actor: string, closureReason: string): Promise<void> {
    return closeImported(this.#writing, tx, caseId, actor, closureReason);
  }

  /**
   * Seals what a wave 1 node kept in clear (the upgrade step, src/app/seal-at-rest.ts, in its transaction); returns
   * how many records changed.
   */
  sealClearText(tx: Queryable): Promise<number> {
    return sealClearText(tx, this.#persons, this.#reasons);
  }

  /** Time spent in each stage, in order, the current stage up to now. */
  async stages(ctx: RequestContext, id: string) {
    await this.#access.readable(this.#db, ctx, id);
    const events = await repo.caseEvents(this.#db, id);
    await this.#audit.recordRead(ctx, { action: 'case.stages', resource: `case:${id}` });
    return stagesOf(events);
  }

  /** Runs a change to a case under its row lock, after the policy check, with the audit record in the same transaction. */
  async #write(
    ctx: RequestContext,
    id: string,
    action: WriteAction,
    change: (tx: Queryable, actor: string, found: CaseRow) => Promise<void>,
  ): Promise<void> {
    // Authorize before the transaction: a refusal is audited in a transaction of its own. The owning agency of a
    // case never changes, so the decision still holds under the lock.
    await this.#access.authorize(this.#db, ctx, action, await this.#access.load(this.#db, id));
    await this.#db.transaction(async (tx) => {
      const found = await this.#access.load(tx, id, true);
      await change(tx, actorRef(ctx.actor), found);
      await this.#audit.record(tx, ctx, { action, resource: `case:${id}`, outcome: 'success' });
    });
  }

  /** Whether `actor` may read the case as its owner (not only through a referral): its agency, or her own case. */
  static ownsCase(actor: Actor, found: CaseRow): boolean {
    return can(actor, 'case.read', { agencyId: found.agencyId, assignedTo: found.ownerId }).allowed;
  }

  /** Whom the caller may give the case to: the enabled users with a role in its agency. */
  async assignees(ctx: RequestContext, id: string): Promise<{ id: string; displayName: string }[]> {
    const found = await this.#access.load(this.#db, id);
    await this.#access.authorize(this.#db, ctx, 'case.assign', found);
    return assigneesOf(this.#db, found.agencyId);
  }

  /** Gives the case to another worker of its agency (case-assignment.ts). */
  async assign(ctx: RequestContext, id: string, userId: string): Promise<CaseView> {
    await assignCase(this.#writing, ctx, id, userId);
    return this.#current(ctx, id);
  }
}
