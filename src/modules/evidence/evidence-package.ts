/**
 * The evidence package of a case (decision 0004): every item with the custody events of its whole history, each event
 * with its inclusion proof against one signed checkpoint, so that a court or another country's node can verify the
 * package offline with the node's key alone (`passage verify`).
 */
import { Readable } from 'node:stream';
import { ulid } from 'ulid';
import type { Db } from '../../db/client.ts';
import { AppError } from '../../lib/errors.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import type { CaseAccess } from '../cases/index.ts';
import type { CustodyLogService } from '../custody/index.ts';
import type { BagItemRecord } from './bag-custody.ts';
import type { BagContents } from './bag-writer.ts';
import type { BlobStore } from './blob-store.ts';
import * as repo from './evidence.repository.ts';
import type { EvidenceService } from './evidence.service.ts';

/**
 * Refuses items that may not go into a package: items received from another node under a handling code that bars
 * court use, unless their provider allowed it (the exchange module checks).
 */
export type ExportCheck = (ctx: RequestContext, items: readonly repo.EvidenceItemRow[]) => Promise<void>;

export class EvidencePackages {
  readonly #db: Db;
  readonly #audit: AuditService;
  readonly #access: CaseAccess;
  readonly #evidence: EvidenceService;
  readonly #custody: CustodyLogService;
  readonly #store: BlobStore;
  readonly #organization: string;
  readonly #exportCheck: ExportCheck | undefined;

  constructor(
    db: Db,
    audit: AuditService,
    access: CaseAccess,
    evidence: EvidenceService,
    custody: CustodyLogService,
    store: BlobStore,
    organization: string,
    exportCheck?: ExportCheck,
  ) {
    this.#db = db;
    this.#audit = audit;
    this.#access = access;
    this.#evidence = evidence;
    this.#custody = custody;
    this.#store = store;
    this.#organization = organization;
    this.#exportCheck = exportCheck;
  }

  /**
   * Records an `exported` custody event for every item of the case (the package carries its own export) and the
   * export in the audit trail, then gathers what the bag holds. The payload is read from the store only as the bag
   * is written. The events stay recorded when writing the bag fails afterwards: custody records the attempt too.
   */
  async prepare(ctx: RequestContext, caseId: string): Promise<BagContents & { packageId: string }> {
    const found = await this.#access.load(this.#db, caseId);
    await this.#access.authorize(this.#db, ctx, 'evidence.export', found);
    const items = await this.#evidence.items.itemsOfCase(this.#db, found.id);
    if (items.length === 0) throw new AppError('evidence_none', 409, 'This case has no evidence to export.');
    await this.#exportCheck?.(ctx, items);
    const packageId = ulid();
    await this.#db.transaction(async (tx) => {
      for (const item of items)
        await this.#evidence.recordCustodyEvent(tx, ctx, item, 'exported', `package ${packageId}`);
      await this.#audit.record(tx, ctx, {
        action: 'evidence.export',
        resource: `case:${found.id}`,
        outcome: 'success',
      });
    });

    const checkpoint = await this.#custody.checkpoint();
    // Events appended after the checkpoint was signed (someone downloading an item meanwhile) are not in its tree.
    const events = (
      await repo.eventsOf(
        this.#db,
        items.map((i) => i.id),
      )
    ).filter((e) => e.index < checkpoint.size);
    const proven = [];
    for (const { index } of events) {
      const [entry] = await this.#custody.entries(index, index + 1);
      proven.push({
        index,
        entry: entry as Uint8Array,
        proof: await this.#custody.inclusionProof(index, checkpoint.size),
      });
    }

    const records: BagItemRecord[] = items.map((item) => ({
      id: item.id,
      path: `data/${item.id}/${bagFileName(item.fileName)}`,
      sha256: item.sha256,
      sha512: item.sha512,
      size: item.size,
      parentSha256: item.parentSha256,
      transformation: item.transformation,
      handlingCode: item.handlingCode,
      sourceReliability: item.sourceReliability,
      informationAccuracy: item.informationAccuracy,
    }));
    return {
      packageId,
      name: found.reference,
      info: {
        sourceOrganization: this.#organization,
        externalIdentifier: found.reference,
        extra: [{ label: 'Passage-Package', value: packageId }],
      },
      payload: records.map((record) => ({
        path: record.path,
        size: record.size,
        sha256: record.sha256,
        sha512: record.sha512,
        open: () => Readable.from(this.#content(record.sha256)),
      })),
      custody: { checkpoint: checkpoint.note, nodeVkey: this.#custody.verifierKey, events: proven, items: records },
    };
  }

  /** Opened when the bag writer comes to the file; the writer checks both hashes of what it reads. */
  async *#content(sha256: string): AsyncGenerator<Buffer> {
    yield* await this.#store.read(sha256);
  }
}

/** The item's file name as one safe path segment of the bag. */
export function bagFileName(fileName: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
  const name = fileName.replace(/[/\\\u0000-\u001f\u007f]/g, '_').trim();
  return name === '' || name === '.' || name === '..' ? 'content' : name;
}
