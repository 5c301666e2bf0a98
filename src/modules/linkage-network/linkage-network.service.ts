/**
 * Linkage across nodes (docs/linkage.md "Across nodes"): groups of data-owner nodes that share an encoding secret,
 * and a linkage unit that matches their encodings without ever holding it. Owners submit CLKs and keyed tokens under
 * random references; the unit matches each on arrival and reports a match to both owners, who see an alert on the
 * case. No name, birth date or phone leaves an owner.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import type { Db, Queryable } from '../../db/client.ts';
import { AppError, invalid, notFound } from '../../lib/errors.ts';
import { DEFAULT_GROUP_THRESHOLD } from '../../shared/linkage.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import type { CaseRow, CasesService } from '../cases/index.ts';
import { type CaseAccess, caseIdsOf } from '../cases/index.ts';
import type { MessageHandlers, MessagesService, PeersService } from '../federation/index.ts';
import type { FieldVault, KeyCustody } from '../key-custody/index.ts';
import type { LinkageSchema } from '../linkage-engine/index.ts';
import { ClkEncoder, IdentifierTokeniser, loadSchemaArgument } from '../linkage-engine/index.ts';
import type { SurvivorsService } from '../survivors/index.ts';
import { LinkageAlerts } from './linkage-alerts.ts';
import {
  LINKAGE_ENCODINGS,
  LINKAGE_GROUP,
  linkageMessageHandlers,
  type SchemaInfo,
} from './linkage-network.inbound.ts';
import * as repo from './linkage-network.repository.ts';
import {
  type EncodingRecord,
  type LinkageGroup,
  MAX_RECORDS_PER_MESSAGE,
  type NewGroup,
  type SubmitResult,
} from './linkage-network.schema.ts';
import { LinkagePools } from './linkage-pools.ts';
import { type Candidate, caseCandidates, type Encoders } from './linkage-records.ts';

export interface LinkageOptions {
  nodeId: string;
  /** The trust list: every other member of a group is an active peer. */
  peers: PeersService;
  /** Gives the vault in which the groups' secrets are sealed. */
  keyCustody: KeyCustody;
  /** Where the survivor's consent to linkage changes: each change is sent to the units at once. */
  survivors: SurvivorsService;
  /** Who may act on a case: alerts are read and decided under the case's policy. */
  access: CaseAccess;
  now?: () => Date;
}

/** Who sends a case's records when the survivor's consent to linkage changes: the node itself. */
const CONSENT_FOLLOWER: RequestContext = { actor: { kind: 'operator', name: 'linkage' }, requestId: null };

const nextId = monotonicFactory();
const MIN_SECRET_BYTES = 32;
const FINGERPRINT_TEXT = 'passage linkage secret fingerprint';
const secretOwner = (groupId: string) => `linkage-group:${groupId}`;
const SECRET_FIELD = 'linkage_secret';

/** HMAC-SHA256(secret, fixed text), first 8 bytes in hex pairs: owners compare it to know they hold the same secret. */
export const secretFingerprint = (secret: Uint8Array) =>
  (createHmac('sha256', secret).update(FINGERPRINT_TEXT).digest('hex').slice(0, 16).match(/../g) ?? []).join(':');

interface Schemas {
  survivor: LinkageSchema;
  perpetrator: LinkageSchema;
}

export class LinkageService {
  readonly #db: Db;
  readonly #audit: AuditService;
  readonly #access: CaseAccess;
  readonly #cases: CasesService;
  readonly #messages: MessagesService;
  readonly #peers: PeersService;
  readonly #nodeId: string;
  readonly #secrets: FieldVault;
  readonly #survivors: SurvivorsService;
  readonly #now: () => Date;
  #schemas: Promise<Schemas> | null = null;
  /** Alerts on this node's cases: listing and deciding them. */
  readonly alerts: LinkageAlerts;

  constructor(db: Db, audit: AuditService, cases: CasesService, messages: MessagesService, options: LinkageOptions) {
    this.#db = db;
    this.#audit = audit;
    this.#access = options.access;
    this.#cases = cases;
    this.#messages = messages;
    this.#nodeId = options.nodeId;
    this.#secrets = options.keyCustody.fieldVault('linkage-secret-key');
    this.#survivors = options.survivors;
    options.survivors.onConsentChange('linkage', (tx, found) => this.#consentChanged(tx, found));
    this.#now = options.now ?? (() => new Date());
    this.alerts = new LinkageAlerts(db, audit, options.access, this.#now, async (q, caseId) =>
      options.survivors.dataSealer(q, (await options.access.load(q, caseId)).survivorId),
    );
    this.#peers = options.peers;
  }

  /**
   * The linkage message types this node takes from peers, registered with the message layer in the composition
   * root; the unit keeps the encodings it matches in memory pools.
   */
  messageHandlers(): MessageHandlers {
    return linkageMessageHandlers(this.#messages, {
      nodeId: this.#nodeId,
      audit: this.#audit,
      pools: new LinkagePools(),
      schemas: () => this.#schemaInfo(),
      now: this.#now,
    });
  }

  /** Makes a group here and announces it (`passage.linkage.group`) to its other members in the same transaction. */
  async create(ctx: RequestContext, input: NewGroup): Promise<LinkageGroup> {
    await this.#audit.authorize(ctx, 'linkage.manage');
    const name = input.name.trim();
    if (!name) throw invalid('Give the linkage group a name.');
    const owners = [...new Set(input.owners)];
    if (owners.includes(input.unit)) throw invalid('The linkage unit cannot also be an owner (owners, unit).');
    if (input.unit !== this.#nodeId && !owners.includes(this.#nodeId)) {
      throw invalid('This node must be the linkage unit or one of the owners.');
    }
    const legalBasis = input.perpetratorLegalBasis?.trim() || null;
    if (input.schema !== 'survivor' && !legalBasis) {
      throw new AppError(
        'linkage_legal_basis_required',
        400,
        'Linking perpetrator data needs the legal basis for it (perpetratorLegalBasis).',
      );
    }
    const info = await this.#schemaInfo();
    const schemaVersions = Object.fromEntries(
      (['survivor', 'perpetrator'] as const)
        .filter((s) => input.schema === s || input.schema === 'both')
        .map((s) => [s, info[s].version]),
    );
    const group = {
      id: input.id ?? nextId(),
      name,
      unit: input.unit,
      owners,
      schema: input.schema,
      threshold: input.threshold ?? DEFAULT_GROUP_THRESHOLD,
      perpetratorLegalBasis: legalBasis,
      createdByNode: this.#nodeId,
      createdAt: this.#now().toISOString(),
    };
    await this.#db.transaction(async (tx) => {
      const others = [group.unit, ...owners].filter((n) => n !== this.#nodeId);
      for (const node of others) await this.#peers.recipient(tx, node);
      if (!(await repo.insertGroup(tx, group))) {
        throw new AppError('linkage_group_exists', 409, 'A linkage group with this id is already here.');
      }
      const { id: groupId, createdByNode: _, ...announced } = group;
      for (const node of others) {
        await this.#messages.enqueue(
          tx,
          node,
          LINKAGE_GROUP,
          { groupId, ...announced, schemaVersions },
          {
            conversationId: groupId,
          },
        );
      }
      await this.#audit.record(tx, ctx, {
        action: 'linkage.create',
        resource: `linkage-group:${group.id}`,
        outcome: 'success',
      });
    });
    return this.#present(await this.#load(this.#db, group.id));
  }

  async list(ctx: RequestContext): Promise<LinkageGroup[]> {
    await this.#audit.authorize(ctx, 'linkage.read');
    return Promise.all((await repo.listGroups(this.#db)).map((g) => this.#present(g)));
  }

  /**
   * Installs (or rotates) the group's encoding secret on an owner node, encrypted under a node key. A unit refuses
   * it: it must never hold the secret. After a rotation the next submit replaces every encoding at the unit.
   */
  async installSecret(ctx: RequestContext, groupId: string, secretBase64: string): Promise<LinkageGroup> {
    await this.#audit.authorize(ctx, 'linkage.manage', { ref: `linkage-group:${groupId}` });
    const secret = Buffer.from(secretBase64, 'base64');
    if (secret.toString('base64') !== secretBase64 || secret.length < MIN_SECRET_BYTES) {
      throw invalid(`The secret must be base64 of at least ${MIN_SECRET_BYTES} bytes (e.g. openssl rand -base64 32).`);
    }
    try {
      await this.#db.transaction(async (tx) => {
        const group = await this.#load(tx, groupId, true);
        if (!group.owners.includes(this.#nodeId)) {
          throw new AppError(
            'linkage_unit_no_secret',
            409,
            'This node is the linkage unit of the group, not an owner: it must never hold the encoding secret.',
          );
        }
        const sealed = await this.#secrets.seal(tx, secretOwner(groupId), SECRET_FIELD, secretBase64);
        await repo.setSecret(tx, groupId, sealed, secretFingerprint(secret), this.#now().toISOString());
        await this.#audit.record(tx, ctx, {
          action: 'linkage.install_secret',
          resource: `linkage-group:${groupId}`,
          outcome: 'success',
        });
      });
    } finally {
      secret.fill(0);
    }
    return this.#present(await this.#load(this.#db, groupId));
  }

  /**
   * Sends the unit what changed since the last submit: new or changed records under their references, and the
   * references of records no longer covered (consent withdrawn, person erased). With `caseId`, that case only.
   */
  async submit(ctx: RequestContext, groupId: string, caseId?: string): Promise<SubmitResult> {
    await this.#audit.authorize(ctx, 'linkage.submit', { ref: `linkage-group:${groupId}` });
    const people = { reader: await this.#survivors.identityReader(), survivors: this.#survivors, cases: this.#cases };
    return this.#db.transaction(async (tx) => {
      const group = await this.#load(tx, groupId, true);
      if (!group.owners.includes(this.#nodeId)) {
        throw new AppError('linkage_not_owner', 409, 'Only an owner of the group submits records; this node is not.');
      }
      if (!group.secretSealed) {
        throw new AppError('linkage_secret_missing', 409, 'Install the group secret before submitting records.');
      }
      const encoders = await this.#encoders(tx, group);
      const caseIds = caseId ? [(await this.#access.load(tx, caseId)).id] : await caseIdsOf(tx, null);
      const candidates: Candidate[] = [];
      for (const id of caseIds)
        candidates.push(...(await caseCandidates(tx, people, await this.#access.load(tx, id), encoders)));
      const result = await this.#send(tx, group, candidates, await repo.refs(tx, groupId, caseId));
      await this.#audit.record(tx, ctx, {
        action: 'linkage.submit',
        resource: caseId ? `case:${caseId}` : `linkage-group:${groupId}`,
        outcome: 'success',
      });
      return result;
    });
  }

  /** Submits one case (a new or changed one) to every group this node owns records in and holds the secret of. */
  async submitCase(ctx: RequestContext, caseId: string): Promise<SubmitResult> {
    await this.#audit.authorize(ctx, 'linkage.submit', { ref: `case:${caseId}` });
    const total: SubmitResult = { sent: 0, unchanged: 0, removed: 0, messages: 0 };
    for (const group of await repo.listGroups(this.#db)) {
      if (!group.owners.includes(this.#nodeId) || !group.secretSealed) continue;
      const r = await this.submit(ctx, group.id, caseId);
      for (const key of Object.keys(total) as (keyof SubmitResult)[]) total[key] += r[key];
    }
    return total;
  }

  /**
   * In the transaction that changed the survivor's consent to linkage (granted, overridden or withdrawn): the case's
   * records go to every group this node owns records in and holds the secret of, so that a new consent is matched at
   * once and a withdrawn one leaves the unit without waiting for the next submit.
   */
  async #consentChanged(tx: Queryable, found: CaseRow): Promise<void> {
    const groups = (await repo.listGroups(tx)).filter((g) => g.owners.includes(this.#nodeId) && g.secretSealed);
    if (groups.length === 0) return;
    // Opened in the transaction: on the embedded database nothing else may query until it ends.
    const people = { reader: await this.#survivors.identityReader(tx), survivors: this.#survivors, cases: this.#cases };
    for (const group of groups) {
      const candidates = await caseCandidates(tx, people, found, await this.#encoders(tx, group));
      await this.#send(tx, group, candidates, await repo.refs(tx, group.id, found.id));
    }
    await this.#audit.record(tx, CONSENT_FOLLOWER, {
      action: 'linkage.submit',
      resource: `case:${found.id}`,
      outcome: 'success',
    });
  }

  async #send(
    tx: Queryable,
    group: repo.GroupRecord,
    candidates: Candidate[],
    existing: repo.RefRecord[],
  ): Promise<SubmitResult> {
    const bySubject = new Map(existing.map((r) => [`${r.kind} ${r.subject}`, r]));
    const at = this.#now().toISOString();
    const outgoing = { survivor: [] as EncodingRecord[], perpetrator: [] as EncodingRecord[] };
    let unchanged = 0;
    for (const c of candidates) {
      const key = `${c.kind} ${c.subject}`;
      const before = bySubject.get(key);
      bySubject.delete(key);
      if (before?.sentDigest === c.digest) {
        unchanged++;
        continue;
      }
      const ref = before?.ref ?? randomBytes(16).toString('base64url');
      await repo.upsertRef(tx, group.id, { ...c, ref, sentDigest: c.digest }, at);
      const value = c.clk !== undefined ? { clk: c.clk } : { token: c.token as string };
      outgoing[c.kind === 'survivor' ? 'survivor' : 'perpetrator'].push({ ref, kind: c.kind, ...value });
    }
    const removed = [...bySubject.values()].map((r) => r.ref);
    await repo.deleteRefs(tx, group.id, removed);
    const info = await this.#schemaInfo();
    let messages = 0;
    const post = async (schemaVersion: string, records: EncodingRecord[], gone: string[]) => {
      const body = { groupId: group.id, schemaVersion, records, ...(gone.length ? { removed: gone } : {}) };
      await this.#messages.enqueue(tx, group.unit, LINKAGE_ENCODINGS, body, { conversationId: group.id });
      messages++;
    };
    for (const schema of ['survivor', 'perpetrator'] as const) {
      const records = outgoing[schema];
      for (let i = 0; i < records.length; i += MAX_RECORDS_PER_MESSAGE) {
        await post(info[schema].version, records.slice(i, i + MAX_RECORDS_PER_MESSAGE), []);
      }
    }
    for (let i = 0; i < removed.length; i += MAX_RECORDS_PER_MESSAGE) {
      await post(info.survivor.version, [], removed.slice(i, i + MAX_RECORDS_PER_MESSAGE));
    }
    const sent = outgoing.survivor.length + outgoing.perpetrator.length;
    return { sent, unchanged, removed: removed.length, messages };
  }

  /** The group's encoders under its secret: perpetrators and phones only with a recorded legal basis. */
  async #encoders(q: Queryable, group: repo.GroupRecord): Promise<Encoders> {
    const secretBase64 = await this.#secrets.open(q, secretOwner(group.id), SECRET_FIELD, group.secretSealed as string);
    const secret = new Uint8Array(Buffer.from(secretBase64, 'base64'));
    const schemas = await this.#loadSchemas();
    const info = await this.#schemaInfo();
    const withSurvivors = group.schema !== 'perpetrator';
    const withPerpetrators = group.schema !== 'survivor' && group.perpetratorLegalBasis !== null;
    return {
      survivor: withSurvivors ? new ClkEncoder(schemas.survivor, secret) : undefined,
      perpetrator: withPerpetrators ? new ClkEncoder(schemas.perpetrator, secret) : undefined,
      tokens: withPerpetrators ? new IdentifierTokeniser(secret) : undefined,
      salt: `${group.secretFingerprint} ${info.survivor.version} ${info.perpetrator.version}`,
    };
  }

  #loadSchemas(): Promise<Schemas> {
    this.#schemas ??= Promise.all([loadSchemaArgument('survivor'), loadSchemaArgument('perpetrator')]).then(
      ([survivor, perpetrator]) => ({ survivor, perpetrator }),
    );
    return this.#schemas;
  }

  async #schemaInfo(): Promise<SchemaInfo> {
    const { survivor, perpetrator } = await this.#loadSchemas();
    return {
      survivor: { version: survivor.sha256, bits: survivor.l },
      perpetrator: { version: perpetrator.sha256, bits: perpetrator.l },
    };
  }

  async #present(g: repo.GroupRecord): Promise<LinkageGroup> {
    const info = await this.#schemaInfo();
    const used = (['survivor', 'perpetrator'] as const).filter((s) => g.schema === s || g.schema === 'both');
    return {
      id: g.id,
      name: g.name,
      unit: g.unit,
      owners: g.owners,
      role: g.unit === this.#nodeId ? 'unit' : 'owner',
      schema: g.schema,
      schemaVersions: Object.fromEntries(used.map((s) => [s, info[s].version])),
      threshold: g.threshold,
      perpetratorLegalBasis: g.perpetratorLegalBasis,
      createdByNode: g.createdByNode,
      createdAt: g.createdAt,
      secret:
        g.secretInstalledAt && g.secretFingerprint
          ? { installedAt: g.secretInstalledAt, fingerprint: g.secretFingerprint }
          : null,
    };
  }

  async #load(q: Queryable, id: string, forUpdate = false): Promise<repo.GroupRecord> {
    const group = await repo.findGroup(q, id, forUpdate);
    if (!group) throw notFound('The linkage group');
    return group;
  }
}
