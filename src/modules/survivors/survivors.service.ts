/**
 * The survivor's side of a case: their identity (encrypted, read only with a purpose and always disclosed), their
 * consent, the log of every disclosure, and erasure.
 */
import { ulid } from 'ulid';
import type { Db, Queryable } from '../../db/client.ts';
import { AppError, invalid } from '../../lib/errors.ts';
import { type FieldMap, isIdentityField, isLanguageCode, parseGroup } from '../../shared/case-fields.ts';
import {
  CONSENT_METHODS,
  type ConsentMethod,
  type ConsentPurpose,
  type ConsentRecord,
  type ConsentScope,
  type ConsentTarget,
  type Coverage,
  consentCovers,
} from '../../shared/consent.ts';
import { actorRef, can, type Purpose } from '../../shared/policy.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import type { CaseRow, CasesService, DataSealer } from '../cases/index.ts';
import { type CaseAccess, fieldErrors } from '../cases/index.ts';
import type { DestroyedKeys } from '../key-custody/index.ts';
import { checkPurpose, checkScope } from './consent-rules.ts';
import { ErasureService } from './erasure.service.ts';
import { PhotosService } from './photos.service.ts';
import * as repo from './survivors.repository.ts';
import type { VaultOpener } from './vault-opener.ts';

export interface NewConsent {
  purpose: string;
  decision: 'granted' | 'refused';
  scope?: ConsentScope;
  method: string;
  /** ISO 639 code of the language the survivor was informed in. */
  language: string;
  interpreter?: boolean;
}

export interface NewOverride {
  purpose: string;
  scope?: ConsentScope;
  legalBasis: string;
}

export interface IdentityDisclosure {
  personId: string;
  purpose: Purpose;
  fields: FieldMap;
}

const LEGAL_BASIS_MIN = 10;
/** Binds a sealed withdrawal reason to its consent record. */
const WITHDRAWAL_REASON = 'withdrawal_reason';

/** How a survivor's consent for a purpose changed. */
export type ConsentChange = 'recorded' | 'overridden' | 'withdrawn';

/** Runs in the transaction that changed a survivor's consent for one purpose. */
export type ConsentHook = (tx: Queryable, found: CaseRow, actor: string, change: ConsentChange) => Promise<void>;

/** The identity fields an accepted in-country referral shares with an agency (care's referrals). */
export type SharedFields = (q: Queryable, caseId: string, agencyId: string) => Promise<string[]>;

/** A person's record with their identity opened; `identity` is null once it was erased. */
export interface PersonIdentity {
  id: string;
  attributes: FieldMap;
  identity: FieldMap | null;
}

/**
 * Opens persons' identities for a module that records its own disclosure (a cross-border offer, an HTCDS export)
 * or never lets them leave in clear (linkage encodings). Taken before the transaction it is used in.
 */
export interface IdentityReader {
  /** `fields`: only these identity fields (none when empty); all when absent. */
  read(q: Queryable, personId: string, fields?: readonly string[]): Promise<PersonIdentity | null>;
}

export class SurvivorsService {
  readonly #db: Db;
  readonly #audit: AuditService;
  readonly #vault: VaultOpener;
  readonly #cases: CasesService;
  readonly #access: CaseAccess;
  readonly #sharedFields: SharedFields;
  readonly #erasure: ErasureService;
  /** The survivor's photos: identity too, with the same rules (photos.service.ts). */
  readonly photos: PhotosService;
  readonly #consentHooks = new Map<ConsentPurpose, ConsentHook[]>();

  constructor(
    db: Db,
    audit: AuditService,
    vault: VaultOpener,
    deps: { cases: CasesService; access: CaseAccess; sharedFields: SharedFields; destroyedKeys?: DestroyedKeys },
  ) {
    this.#db = db;
    this.#audit = audit;
    this.#vault = vault;
    this.#cases = deps.cases;
    this.#access = deps.access;
    this.#sharedFields = deps.sharedFields;
    this.#erasure = new ErasureService(db, audit, deps);
    this.photos = new PhotosService(db, audit, vault, deps);
  }

  /**
   * Lets another module act, in the same transaction, on a change of the survivor's consent for `purpose` (a decision,
   * an override, a withdrawal): in-country and cross-border referrals end what it no longer covers, linkage sends or
   * withdraws the survivor's encoding. Hooks run in the order they were registered.
   */
  onConsentChange(purpose: ConsentPurpose, hook: ConsentHook): void {
    this.#consentHooks.set(purpose, [...(this.#consentHooks.get(purpose) ?? []), hook]);
  }

  async #consentChanged(
    tx: Queryable,
    purpose: ConsentPurpose,
    found: CaseRow,
    actor: string,
    change: ConsentChange,
  ): Promise<void> {
    for (const hook of this.#consentHooks.get(purpose) ?? []) await hook(tx, found, actor, change);
  }

  /** The survivor's consent records, in the caller's transaction, for a module that checks what they cover. */
  consentsWithin(q: Queryable, survivorId: string): Promise<ConsentRecord[]> {
    return repo.consents(q, survivorId);
  }

  /**
   * Records, in another module's transaction, a share or export of the person's identity it decided, or the end of a
   * share (its withdrawal, its erasure by the receiver, the receiver's signed confirmation of the erasure).
   */
  async recordDisclosure(q: Queryable, d: repo.NewDisclosure): Promise<void> {
    await repo.insertDisclosure(q, d);
  }

  /** `recordDisclosure` for the survivor of a case, for a module that knows the case rather than the person. */
  async recordCaseDisclosure(q: Queryable, caseId: string, d: Omit<repo.NewDisclosure, 'personId'>): Promise<void> {
    const found = await this.#access.load(q, caseId);
    await repo.insertDisclosure(q, { ...d, personId: found.survivorId });
  }

  /**
   * The sealer of what another module keeps about the survivor (a safety plan, a reason, a service plan's text): under
   * the survivor's data key, so that erasing the identity erases it too. `q` is the caller's transaction, if any.
   */
  async dataSealer(q: Queryable, personId: string): Promise<DataSealer> {
    const vault = await this.#vault(q);
    return vault.dataSealer(personId, (await repo.findPerson(q, personId))?.wrappedKey ?? null);
  }

  /**
   * Seals the consent withdrawal reasons a wave 1 node kept in clear (the upgrade step, src/app/seal-at-rest.ts, in
   * its transaction); those of a survivor whose identity was erased are dropped. Returns how many there were.
   */
  async sealClearText(tx: Queryable): Promise<number> {
    const consents = await repo.consentsWithClearReason(tx);
    for (const consent of consents) {
      const sealer = await this.dataSealer(tx, consent.personId ?? '');
      const reason = consent.withdrawalReason ?? '';
      await repo.sealWithdrawalReason(
        tx,
        consent.id,
        sealer.erased ? null : sealer.seal(consent.id, WITHDRAWAL_REASON, reason),
      );
    }
    return consents.length;
  }

  /** Whether the person's identity is still on record (not erased). */
  async hasIdentity(q: Queryable, personId: string): Promise<boolean> {
    return Boolean((await repo.findPerson(q, personId))?.wrappedKey);
  }

  /** `q`: the transaction the reader is used in, when the caller is inside one already (a consent hook). */
  async identityReader(q?: Queryable): Promise<IdentityReader> {
    const vault = await this.#vault(q);
    return {
      async read(q, personId, fields) {
        const person = await repo.findPerson(q, personId);
        if (!person) return null;
        const { wrappedKey, identity: sealed } = person;
        const identity =
          !wrappedKey || !sealed ? null : fields?.length === 0 ? {} : vault.open(person.id, wrappedKey, sealed, fields);
        return { id: person.id, attributes: person.attributes, identity };
      },
    };
  }

  /**
   * Decrypts the survivor's identity for someone with a permitted role and a stated purpose, and records the
   * disclosure. An agency that received the case by referral sees only the fields the referral shared.
   */
  async readIdentity(ctx: RequestContext, caseId: string, purpose: Purpose | undefined): Promise<IdentityDisclosure> {
    const found = await this.#access.load(this.#db, caseId);
    await this.#access.authorize(this.#db, ctx, 'survivor.read_identity', found, { purpose });
    const person = await repo.findPerson(this.#db, found.survivorId);
    if (!person?.wrappedKey || !person.identity) {
      throw new AppError('identity_erased', 410, "The survivor's identity was erased at their request.");
    }
    const owner = can(ctx.actor, 'survivor.read_identity', { agencyId: found.agencyId }, purpose).allowed;
    const actorAgencies = ctx.actor.kind === 'user' ? ctx.actor.memberships.map((m) => m.agencyId) : [];
    const allowed = owner
      ? undefined
      : (
          await Promise.all(
            actorAgencies.filter((a) => a !== null).map((a) => this.#sharedFields(this.#db, caseId, a as string)),
          )
        ).flat();
    const vault = await this.#vault();
    const fields = vault.open(person.id, person.wrappedKey, person.identity, allowed);
    await this.#db.transaction(async (tx) => {
      await repo.insertDisclosure(tx, {
        personId: person.id,
        actor: actorRef(ctx.actor),
        agencyId: owner ? found.agencyId : (actorAgencies[0] ?? null),
        kind: 'view',
        purpose: purpose as string,
        fields: Object.keys(fields),
        recipient: null,
        requestId: ctx.requestId,
      });
      await this.#cases.recordEvent(tx, caseId, actorRef(ctx.actor), 'identity_viewed', { purpose });
      await this.#audit.record(tx, ctx, {
        action: 'survivor.read_identity',
        resource: `person:${person.id}`,
        purpose,
        outcome: 'success',
      });
    });
    return { personId: person.id, purpose: purpose as Purpose, fields };
  }

  /** Sets identity fields (null removes one); the person keeps their data key. */
  async updateIdentity(ctx: RequestContext, caseId: string, changes: Record<string, unknown>): Promise<string[]> {
    const notIdentity = Object.keys(changes).filter((name) => !isIdentityField(name));
    if (notIdentity.length > 0) {
      throw fieldErrors(notIdentity.map((field) => ({ field, reason: 'is not an identity field' })));
    }
    const parsed = parseGroup('person', changes);
    if (parsed.errors.length > 0) throw fieldErrors(parsed.errors);
    const found = await this.#access.load(this.#db, caseId);
    await this.#access.authorize(this.#db, ctx, 'survivor.update_identity', found);
    const vault = await this.#vault();
    await this.#db.transaction(async (tx) => {
      const person = await repo.findPerson(tx, found.survivorId, true);
      if (!person?.wrappedKey || !person.identity) {
        throw new AppError('identity_erased', 410, "The survivor's identity was erased at their request.");
      }
      const current = vault.open(person.id, person.wrappedKey, person.identity);
      const next = { ...current, ...parsed.value };
      for (const [name, value] of Object.entries(changes)) if (value === null || value === '') delete next[name];
      const birth = next.prs_Birthdate;
      if (typeof birth === 'string' && birth > found.reportedAt) {
        throw fieldErrors([{ field: 'prs_Birthdate', reason: 'the birth date is after the date of the report' }]);
      }
      const sealed = vault.reseal(person.id, person.wrappedKey, next);
      await repo.replaceIdentity(tx, person.id, sealed.identity, sealed.tokens, sealed.nameTokenCount);
      await this.#cases.recordEvent(tx, caseId, actorRef(ctx.actor), 'identity_updated', {
        fields: Object.keys(changes),
      });
      await this.#audit.record(tx, ctx, {
        action: 'survivor.update_identity',
        resource: `person:${person.id}`,
        outcome: 'success',
      });
    });
    return Object.keys(changes);
  }

  /** The crypto-shredding of the survivor's identity at her request (erasure.service.ts). */
  erase(ctx: RequestContext, caseId: string, reason: string): Promise<void> {
    return this.#erasure.erase(ctx, caseId, reason);
  }

  /** `erase` in the caller's transaction, decided already (erasure.service.ts); the person's id, or null. */
  eraseWithin(tx: Queryable, caseId: string, actor: string, reason: string): Promise<string | null> {
    return this.#erasure.eraseWithin(tx, caseId, actor, reason);
  }

  async consents(ctx: RequestContext, caseId: string): Promise<ConsentRecord[]> {
    const found = await this.#access.readable(this.#db, ctx, caseId, 'consent.read');
    const sealer = await this.dataSealer(this.#db, found.survivorId);
    const records = (await repo.consents(this.#db, found.survivorId)).map(({ withdrawalReasonSealed, ...record }) => ({
      ...record,
      withdrawalReason: withdrawalReasonSealed
        ? sealer.open(record.id, WITHDRAWAL_REASON, withdrawalReasonSealed)
        : record.withdrawalReason,
    }));
    await this.#audit.recordRead(ctx, {
      action: 'consent.read',
      resource: `case:${caseId}`,
      resources: records.map((r) => `consent:${r.id}`),
    });
    return records;
  }

  /** Whether the survivor's consent covers a use; the policy layer asks this before sharing. */
  async coverage(caseId: string, purpose: ConsentPurpose, target: ConsentTarget = {}): Promise<Coverage> {
    const found = await this.#access.load(this.#db, caseId);
    return consentCovers(await repo.consents(this.#db, found.survivorId), purpose, target);
  }

  async recordConsent(ctx: RequestContext, caseId: string, input: NewConsent): Promise<ConsentRecord> {
    const purpose = checkPurpose(input.purpose);
    if (input.decision !== 'granted' && input.decision !== 'refused') {
      throw invalid('A consent decision is "granted" or "refused".');
    }
    if (!(CONSENT_METHODS as readonly string[]).includes(input.method)) {
      throw invalid(`Say how consent was given: one of ${CONSENT_METHODS.join(', ')}.`);
    }
    const language = input.language?.toLowerCase() ?? '';
    if (!isLanguageCode(language)) throw invalid('Give the language the survivor was informed in (ISO 639 code).');
    const interpreter = input.interpreter ?? input.method === 'verbal_with_interpreter';
    return this.#record(ctx, caseId, 'consent.record', 'consent_recorded', {
      purpose,
      decision: input.decision,
      scope: checkScope(purpose, input.scope, input.decision === 'granted'),
      method: input.method as ConsentMethod,
      language,
      interpreter,
      legalBasis: null,
    });
  }

  /**
   * Records a use the survivor did not consent to, on a legal basis (e.g. a prosecutor's order). Only authorised
   * roles may, and the survivor gets a notice of it.
   */
  async overrideConsent(ctx: RequestContext, caseId: string, input: NewOverride): Promise<ConsentRecord> {
    const purpose = checkPurpose(input.purpose);
    const legalBasis = input.legalBasis?.trim() ?? '';
    if (legalBasis.length < LEGAL_BASIS_MIN) {
      throw invalid('An override needs its legal basis (the law, article and decision it rests on).');
    }
    return this.#record(ctx, caseId, 'consent.override', 'consent_overridden', {
      purpose,
      decision: 'override',
      scope: checkScope(purpose, input.scope, true),
      method: null,
      language: null,
      interpreter: false,
      legalBasis,
    });
  }

  async #record(
    ctx: RequestContext,
    caseId: string,
    action: 'consent.record' | 'consent.override',
    event: string,
    consent: Omit<
      ConsentRecord,
      'id' | 'recordedBy' | 'recordedAt' | 'withdrawnAt' | 'withdrawnBy' | 'withdrawalReason'
    >,
  ): Promise<ConsentRecord> {
    const found = await this.#access.load(this.#db, caseId);
    await this.#access.authorize(this.#db, ctx, action, found);
    return this.#db.transaction(async (tx) => {
      const actor = actorRef(ctx.actor);
      const record = await repo.insertConsent(tx, found.survivorId, { ...consent, id: ulid(), recordedBy: actor });
      const summary = { consentId: record.id, purpose: record.purpose, decision: record.decision };
      await this.#cases.recordEvent(tx, caseId, actor, event, summary);
      await this.#consentChanged(
        tx,
        record.purpose,
        found,
        actor,
        event === 'consent_recorded' ? 'recorded' : 'overridden',
      );
      if (record.decision === 'override') {
        await repo.insertNotice(tx, {
          id: ulid(),
          personId: found.survivorId,
          kind: 'consent_overridden',
          data: { ...summary, legalBasis: record.legalBasis, scope: record.scope },
        });
      }
      await this.#audit.record(tx, ctx, { action, resource: `consent:${record.id}`, outcome: 'success' });
      return record;
    });
  }

  async withdrawConsent(
    ctx: RequestContext,
    caseId: string,
    consentId: string,
    reason: string,
  ): Promise<ConsentRecord> {
    if (!reason?.trim()) throw invalid('Say why the consent is withdrawn (e.g. the survivor asked).');
    const found = await this.#access.load(this.#db, caseId);
    await this.#access.authorize(this.#db, ctx, 'consent.record', found);
    return this.#db.transaction(async (tx) => {
      const actor = actorRef(ctx.actor);
      const sealer = await this.dataSealer(tx, found.survivorId);
      const sealed = sealer.seal(consentId, WITHDRAWAL_REASON, reason.trim());
      const stored = await repo.withdrawConsent(tx, found.survivorId, consentId, actor, sealed);
      if (!stored) throw new AppError('not_found', 404, 'No standing consent record with that id on this case.');
      const { withdrawalReasonSealed: _, ...withdrawn } = stored as repo.StoredConsent;
      const record = { ...withdrawn, withdrawalReason: reason.trim() };
      await this.#cases.recordEvent(tx, caseId, actor, 'consent_withdrawn', { consentId, purpose: record.purpose });
      await this.#consentChanged(tx, record.purpose, found, actor, 'withdrawn');
      await this.#audit.record(tx, ctx, {
        action: 'consent.record',
        resource: `consent:${consentId}`,
        outcome: 'success',
      });
      return record;
    });
  }

  /** Every view, share and export of the survivor's identity, with who and why. */
  async disclosures(ctx: RequestContext, caseId: string): Promise<repo.Disclosure[]> {
    const found = await this.#access.load(this.#db, caseId);
    await this.#access.authorize(this.#db, ctx, 'disclosure.read', found);
    const disclosures = await repo.disclosures(this.#db, found.survivorId);
    await this.#audit.recordRead(ctx, { action: 'disclosure.read', resource: `case:${caseId}` });
    return disclosures;
  }

  async notices(ctx: RequestContext, caseId: string) {
    const found = await this.#access.readable(this.#db, ctx, caseId, 'consent.read');
    const notices = await repo.notices(this.#db, found.survivorId);
    await this.#audit.recordRead(ctx, { action: 'notice.read', resource: `case:${caseId}` });
    return notices;
  }
}
