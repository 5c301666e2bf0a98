import type { Readable } from 'node:stream';
import { ulid } from 'ulid';
import type { Db, Queryable } from '../../db/client.ts';
import { AppError, notFound } from '../../lib/errors.ts';
import { type CustodyEventType, TITLE_MAX } from '../../shared/evidence.ts';
import { type Action, actorRef, type Purpose } from '../../shared/policy.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import type { CaseAccess } from '../cases/index.ts';
import type { IntegrityCheck } from '../custody/index.ts';
import { type BlobStore, BlobTooLargeError, type PendingBlob } from './blob-store.ts';
import { type CustodyAppender, custodyActor, encodeCustodyEntry } from './custody-events.ts';
import * as repo from './evidence.repository.ts';
import {
  type EvidenceFields,
  type EvidenceMetadata,
  fieldErrors,
  type ParsedFields,
  parseEvidenceFields,
} from './evidence-input.ts';
import { type CaseSealer, EvidenceVault } from './evidence-vault.ts';
import { type StoreCheck, verifyContents } from './store-check.ts';

export type EvidenceItem = ReturnType<typeof presentItem>;
export type CustodyEvent = repo.CustodyEventRow;
export type { StoreCheck } from './store-check.ts';

/** The item as the API and the CLI show it: every field chosen here, nothing passed through. */
export function presentItem(item: repo.EvidenceItemRow) {
  return {
    id: item.id,
    caseId: item.caseId,
    title: item.title,
    description: item.description,
    collectedAt: item.collectedAt,
    collectedBy: item.collectedBy,
    collectedWhere: item.collectedWhere,
    source: item.source,
    device: item.device,
    type: item.type,
    handlingCode: item.handlingCode,
    handlingNote: item.handlingNote,
    sourceReliability: item.sourceReliability,
    informationAccuracy: item.informationAccuracy,
    fileName: item.fileName,
    mediaType: item.mediaType,
    size: item.size,
    sha256: item.sha256,
    sha512: item.sha512,
    parentId: item.parentId,
    parentSha256: item.parentSha256,
    transformation: item.transformation,
    createdAt: item.createdAt,
    createdBy: item.createdBy,
    erasedFields: item.erasedFields ?? [],
  };
}

export interface EvidenceOptions {
  /** The node id named in custody entries. */
  nodeId: string;
  /** The largest content an item may have, in bytes. */
  maxBytes: number;
  /** The sealer of the data of a case's survivor, under which an item's free text is sealed (evidence-vault.ts). */
  sealerOf: CaseSealer;
}

type Content = Readable | AsyncIterable<Uint8Array>;

/** Evidence items of cases: streamed into the blob store, immutable, each step of their custody in the custody log. */
export class EvidenceService {
  readonly #db: Db;
  readonly #audit: AuditService;
  readonly #access: CaseAccess;
  readonly #custody: CustodyAppender;
  readonly #store: BlobStore;
  readonly #options: EvidenceOptions;
  /** Items with their free text sealed and opened: what other modules read and file items through. */
  readonly items: EvidenceVault;

  constructor(
    db: Db,
    audit: AuditService,
    access: CaseAccess,
    custody: CustodyAppender,
    store: BlobStore,
    options: EvidenceOptions,
  ) {
    this.#db = db;
    this.#audit = audit;
    this.#access = access;
    this.#custody = custody;
    this.#store = store;
    this.#options = options;
    this.items = new EvidenceVault(options.sealerOf);
  }

  get store(): BlobStore {
    return this.#store;
  }

  get maxBytes(): number {
    return this.#options.maxBytes;
  }

  /**
   * Adds an original to a case: checks the fields and the caller's rights before reading `content`, then streams it
   * into the store and records the item with its `collected` event. Nothing is kept when any step fails.
   */
  async add(ctx: RequestContext, caseId: string, fields: EvidenceFields, content: Content): Promise<EvidenceItem> {
    const parsed = parseEvidenceFields(fields, 'original');
    if (!parsed.ok) throw fieldErrors(parsed.errors);
    const found = await this.#authorizedCase(ctx, caseId, 'evidence.add');
    const metadata = parsed.value as EvidenceMetadata & ParsedFields;
    return this.#ingest(ctx, content, parsed.value.claimedSha256, 'evidence.add', (blob) => ({
      row: { ...this.#newRow(found.id, metadata, blob, ctx), parentId: null, parentSha256: null, transformation: null },
      event: 'collected',
      reason: null,
    }));
  }

  /**
   * Adds a working copy (a redaction, transcript or translation) of an item: a new item that names its original and
   * the transformation. Fields left out are the original's; the original itself never changes.
   */
  async derive(ctx: RequestContext, parentId: string, fields: EvidenceFields, content: Content): Promise<EvidenceItem> {
    const parsed = parseEvidenceFields(fields, 'copy');
    if (!parsed.ok) throw fieldErrors(parsed.errors);
    const parent = await this.#item(parentId);
    const found = await this.#authorizedCase(ctx, parent.caseId, 'evidence.derive');
    const transformation = parsed.value.transformation as NonNullable<ParsedFields['transformation']>;
    const inherited: EvidenceMetadata = {
      ...pickMetadata(parent),
      title: `${parent.title} (${transformation})`.slice(0, TITLE_MAX),
      description: null,
      ...parsed.value,
    } as EvidenceMetadata;
    if (parsed.value.handlingCode && parsed.value.handlingCode !== 'H3' && !parsed.value.handlingNote) {
      inherited.handlingNote = null;
    }
    return this.#ingest(ctx, content, parsed.value.claimedSha256, 'evidence.derive', (blob) => {
      if (blob.sha256 === parent.sha256) {
        throw new AppError('copy_unchanged', 400, 'The working copy has the same content as the original.');
      }
      return {
        row: {
          ...this.#newRow(found.id, inherited, blob, ctx),
          parentId: parent.id,
          parentSha256: parent.sha256,
          transformation,
        },
        event: 'derived',
        reason: `${transformation} of ${parent.sha256}`,
      };
    });
  }

  async list(ctx: RequestContext, caseId: string): Promise<EvidenceItem[]> {
    const found = await this.#authorizedCase(ctx, caseId, 'evidence.read');
    const items = (await this.items.itemsOfCase(this.#db, found.id)).map(presentItem);
    await this.#audit.recordRead(ctx, {
      action: 'evidence.list',
      resource: `case:${found.id}`,
      resources: items.map((i) => `evidence:${i.id}`),
    });
    return items;
  }

  async get(ctx: RequestContext, id: string): Promise<EvidenceItem> {
    const item = await this.#item(id);
    await this.#authorizedCase(ctx, item.caseId, 'evidence.read');
    await this.#audit.recordRead(ctx, { action: 'evidence.read', resource: `evidence:${item.id}` });
    return presentItem(item);
  }

  /** The item's custody events, oldest first, each with the index of its entry in the custody log. */
  async custodyOf(ctx: RequestContext, id: string): Promise<CustodyEvent[]> {
    const item = await this.#item(id);
    await this.#authorizedCase(ctx, item.caseId, 'evidence.read');
    const events = await repo.eventsOf(this.#db, [item.id]);
    await this.#audit.recordRead(ctx, { action: 'evidence.custody_read', resource: `evidence:${item.id}` });
    return events;
  }

  /**
   * Opens an item's content for download, for a stated purpose: the access is recorded as an `accessed` custody
   * event and in the audit trail before the first byte leaves. The stream fails at its end if the stored bytes no
   * longer match the item's hash.
   */
  async openContent(
    ctx: RequestContext,
    id: string,
    purpose: Purpose | undefined,
  ): Promise<{ item: EvidenceItem; stream: Readable }> {
    const item = await this.#item(id);
    await this.#authorizedCase(ctx, item.caseId, 'evidence.download', purpose);
    if ((await this.#store.size(item.sha256)) !== item.size) {
      throw new AppError(
        'evidence_content_missing',
        500,
        'The stored content of this item is missing or damaged. An administrator should run the integrity check.',
      );
    }
    await this.#db.transaction(async (tx) => {
      await this.recordCustodyEvent(tx, ctx, item, 'accessed', purpose ?? null);
      await this.#audit.record(tx, ctx, {
        action: 'evidence.download',
        resource: `evidence:${item.id}`,
        purpose,
        outcome: 'success',
      });
    });
    return { item: presentItem(item), stream: await this.#store.read(item.sha256, { verify: { size: item.size } }) };
  }

  /**
   * Appends a custody event of `item` to the custody log and to the item's history, in the caller's transaction.
   * `reason` goes into the permanent log: pass a reference or a fixed phrase, never text a person typed.
   */
  async recordCustodyEvent(
    tx: Queryable,
    ctx: RequestContext,
    item: { id: string; sha256: string },
    event: CustodyEventType,
    reason: string | null,
  ): Promise<CustodyEvent> {
    const at = new Date().toISOString();
    const actor = custodyActor(ctx.actor);
    const entry = encodeCustodyEntry({
      node: this.#options.nodeId,
      item: item.id,
      sha256: item.sha256,
      event,
      actor,
      at,
      reason,
    });
    const index = await this.#custody.append(tx, entry);
    const row = { index, itemId: item.id, event, actor, at, reason };
    await repo.insertEvent(tx, row);
    return row;
  }

  /**
   * Re-hashes every stored content that an item refers to and reports content that is missing or no longer hashes
   * to its address, and stored content no item refers to. For the node's integrity check, which authorizes the caller.
   */
  verifyStore(onProgress?: (doneBytes: number, totalBytes: number) => void): Promise<StoreCheck> {
    return verifyContents(this.#db, this.#store, onProgress);
  }

  /** `verifyStore` as one check of the node's integrity check (`passage custody verify`). */
  storeCheck(): IntegrityCheck {
    return {
      name: 'evidence store',
      unit: 'stored files',
      run: async (onProgress) => {
        const result = await this.verifyStore(onProgress);
        return {
          ok: result.ok,
          checked: result.contents,
          problems: result.problems.map((p) => ({
            kind: p.problem === 'missing' ? 'evidence_content_missing' : 'evidence_content_altered',
            message:
              p.problem === 'missing'
                ? `No content is stored for ${p.itemIds.length} item(s) with SHA-256 ${p.sha256}.`
                : `The stored content of ${p.itemIds.length} item(s) no longer has SHA-256 ${p.sha256}.`,
            ref: p.sha256,
          })),
        };
      },
    };
  }

  async #item(id: string): Promise<repo.EvidenceItemRow> {
    const item = await this.items.find(this.#db, id);
    if (!item) throw notFound('The evidence item');
    return item;
  }

  async #authorizedCase(ctx: RequestContext, caseId: string, action: Action, purpose?: Purpose) {
    const found = await this.#access.load(this.#db, caseId);
    await this.#access.authorize(this.#db, ctx, action, found, { purpose });
    return found;
  }

  #newRow(caseId: string, metadata: EvidenceMetadata, blob: PendingBlob, ctx: RequestContext) {
    return {
      ...pickMetadata(metadata),
      id: ulid(),
      caseId,
      sha256: blob.sha256,
      sha512: blob.sha512,
      size: blob.size,
      createdBy: actorRef(ctx.actor),
    };
  }

  /**
   * Streams content into the store, then commits it with its item, its first custody event and the audit record in
   * one transaction. When that fails, content no other item refers to is removed again.
   */
  async #ingest(
    ctx: RequestContext,
    content: Content,
    claimedSha256: string | null,
    action: Action,
    build: (blob: PendingBlob) => {
      row: Omit<repo.EvidenceItemRow, 'createdAt'>;
      event: CustodyEventType;
      reason: string | null;
    },
  ): Promise<EvidenceItem> {
    const blob = await this.#store.receive(content, { maxBytes: this.#options.maxBytes }).catch((error) => {
      if (error instanceof BlobTooLargeError) throw tooLarge(error.maxBytes);
      throw error;
    });
    let planned: ReturnType<typeof build>;
    try {
      if (claimedSha256 !== null && claimedSha256 !== blob.sha256) {
        throw new AppError(
          'hash_mismatch',
          400,
          'The file does not match the SHA-256 given in the sha256 field. Nothing was kept; upload it again.',
        );
      }
      planned = build(blob);
    } catch (error) {
      await this.#store.discard(blob);
      throw error;
    }
    let committed = false;
    try {
      await this.#db.transaction(async (tx) => {
        await repo.lockContent(tx, blob.sha256);
        await this.#store.commit(blob);
        committed = true;
        await this.items.insert(tx, planned.row);
        await this.recordCustodyEvent(tx, ctx, planned.row, planned.event, planned.reason);
        await this.#audit.record(tx, ctx, { action, resource: `evidence:${planned.row.id}`, outcome: 'success' });
      });
    } catch (error) {
      if (committed) await this.#removeIfUnreferenced(blob.sha256);
      else await this.#store.discard(blob);
      throw error;
    }
    const stored = await this.items.find(this.#db, planned.row.id);
    return presentItem(stored as repo.EvidenceItemRow);
  }

  async #removeIfUnreferenced(sha256: string): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await repo.lockContent(tx, sha256);
      if (!(await repo.isReferenced(tx, sha256))) await this.#store.remove(sha256);
    });
  }
}

function pickMetadata(m: EvidenceMetadata): EvidenceMetadata {
  return {
    title: m.title,
    description: m.description ?? null,
    collectedAt: m.collectedAt ?? null,
    collectedBy: m.collectedBy ?? null,
    collectedWhere: m.collectedWhere ?? null,
    source: m.source ?? null,
    device: m.device ?? null,
    type: m.type ?? null,
    handlingCode: m.handlingCode,
    handlingNote: m.handlingNote ?? null,
    sourceReliability: m.sourceReliability ?? null,
    informationAccuracy: m.informationAccuracy ?? null,
    fileName: m.fileName,
    mediaType: m.mediaType,
  };
}

export function tooLarge(maxBytes: number): AppError {
  return new AppError(
    'evidence_too_large',
    413,
    `The file is larger than this node accepts (${formatBytes(maxBytes)}). Ask the administrator to raise PASSAGE_EVIDENCE_MAX_BYTES.`,
  );
}

export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${Number(value.toFixed(2))} ${units[unit]}`;
}
