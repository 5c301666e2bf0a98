/**
 * The free text of an evidence item's metadata, sealed at rest (docs/data-at-rest.md, migration 0026): the title,
 * description, who collected it and where, its source, device, handling note and file name may name the survivor or
 * say where she is. They are stored as one JSON text sealed under the data key of the case's survivor, bound to the
 * item, so that erasing her identity erases them; the item, its hashes and its custody history stay. Everything that
 * leaves the node (custody entries, bags, transfers) is written from the opened values, so it is byte-identical to
 * what a node that stored them in clear wrote.
 */
import type { Queryable } from '../../db/client.ts';
import type { DataSealer } from '../cases/index.ts';
import type { EvidenceItemRow } from './evidence.repository.ts';
import * as repo from './evidence.repository.ts';

/** What binds the ciphertext to the item. */
const METADATA = 'evidence_metadata';

/** The metadata fields held sealed. */
export const SEALED_FIELDS = [
  'title',
  'description',
  'collectedBy',
  'collectedWhere',
  'source',
  'device',
  'handlingNote',
  'fileName',
] as const;
type SealedField = (typeof SEALED_FIELDS)[number];
type SealedValues = Pick<EvidenceItemRow, SealedField>;

/** The sealer of the data of a case's survivor. */
export type CaseSealer = (q: Queryable, caseId: string) => Promise<DataSealer>;

/** The sealed fields as read once erased: the two the item cannot be without read as empty text. */
const ERASED: SealedValues = {
  title: '',
  description: null,
  collectedBy: null,
  collectedWhere: null,
  source: null,
  device: null,
  handlingNote: null,
  fileName: '',
};

export class EvidenceVault {
  readonly #sealerOf: CaseSealer;

  constructor(sealerOf: CaseSealer) {
    this.#sealerOf = sealerOf;
  }

  /** The row as stored: the free text sealed, the clear columns empty. Fails with 410 once the survivor was erased. */
  async seal<T extends Omit<EvidenceItemRow, 'createdAt'>>(q: Queryable, item: T): Promise<T> {
    const sealer = await this.#sealerOf(q, item.caseId);
    return { ...item, ...cleared(), metadataSealed: sealer.seal(item.id, METADATA, JSON.stringify(pick(item))) };
  }

  /** The item with its free text opened (or as wave 1 stored it); read as erased once the survivor was erased. */
  async open(q: Queryable, item: EvidenceItemRow, sealers?: Map<string, DataSealer>): Promise<EvidenceItemRow> {
    const sealed = item.metadataSealed;
    if (!sealed) {
      // A row of wave 1 holds its title; one whose text the upgrade step dropped (an erased survivor) holds none.
      return item.title === null ? { ...item, ...ERASED, erasedFields: [...SEALED_FIELDS] } : item;
    }
    let sealer = sealers?.get(item.caseId);
    if (!sealer) {
      sealer = await this.#sealerOf(q, item.caseId);
      sealers?.set(item.caseId, sealer);
    }
    const text = sealer.open(item.id, METADATA, sealed);
    if (text === null) return { ...item, ...ERASED, erasedFields: [...SEALED_FIELDS] };
    return { ...item, ...(JSON.parse(text) as SealedValues) };
  }

  async find(q: Queryable, id: string): Promise<EvidenceItemRow | null> {
    const item = await repo.findItem(q, id);
    return item && this.open(q, item);
  }

  async itemsOfCase(q: Queryable, caseId: string): Promise<EvidenceItemRow[]> {
    const sealers = new Map<string, DataSealer>();
    const items: EvidenceItemRow[] = [];
    for (const item of await repo.itemsOfCase(q, caseId)) items.push(await this.open(q, item, sealers));
    return items;
  }

  async insert(q: Queryable, item: Omit<EvidenceItemRow, 'createdAt'>): Promise<void> {
    await repo.insertItem(q, await this.seal(q, item));
  }

  /** The file names of evidence items, in the order asked for (missing ones left out). */
  async fileNames(q: Queryable, itemIds: readonly string[]): Promise<string[]> {
    const names: string[] = [];
    for (const id of itemIds) {
      const item = await this.find(q, id);
      if (item) names.push(item.fileName);
    }
    return names;
  }

  /**
   * Seals the free text a wave 1 node kept in clear (the upgrade step, in its transaction); that of a survivor whose
   * identity was erased is dropped. Returns how many items there were.
   */
  async sealClearText(tx: Queryable): Promise<number> {
    const sealers = new Map<string, DataSealer>();
    const rows = await repo.itemsWithClearText(tx);
    for (const item of rows) {
      let sealer = sealers.get(item.caseId);
      if (!sealer) {
        sealer = await this.#sealerOf(tx, item.caseId);
        sealers.set(item.caseId, sealer);
      }
      const sealed = sealer.erased ? null : sealer.seal(item.id, METADATA, JSON.stringify(pick(item)));
      await repo.sealMetadata(tx, item.id, sealed);
    }
    return rows.length;
  }
}

function pick(item: SealedValues): SealedValues {
  return {
    title: item.title,
    description: item.description,
    collectedBy: item.collectedBy,
    collectedWhere: item.collectedWhere,
    source: item.source,
    device: item.device,
    handlingNote: item.handlingNote,
    fileName: item.fileName,
  };
}

/** The clear columns of a sealed row: empty (title and file name are null in the table, typed as text here). */
function cleared(): SealedValues {
  return { ...ERASED, title: null as unknown as string, fileName: null as unknown as string };
}
