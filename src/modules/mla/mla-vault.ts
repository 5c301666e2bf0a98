/**
 * Encryption of what an MLA request says about people: the persons concerned, the summary of facts, the measures'
 * descriptions (which name accounts, telephones, addresses, people), the legal classification and the reasons given
 * for its steps (extension, postponement, refusal: they may name a witness or say where she is). They are sealed in key custody's vault for MLA data (one node data key, rewrapped with the other node secrets by a KEK
 * rotation), each ciphertext bound to its request and field.
 */
import type { Queryable } from '../../db/client.ts';
import type { FieldVault, KeyCustody } from '../key-custody/index.ts';
import type { HistoryEntry, MeasureRequested, MlaChange, MlaRecord } from './mla.repository.ts';

const SECRET = 'mla-data-key';
const PERSONS = 'mla_persons';
const FACTS = 'mla_facts';
const MEASURES = 'mla_measures';
const CLASSIFICATION = 'mla_classification';
// The reasons given for a step (they may say why a person cannot be heard yet, or where she is): one field name each,
// so a ciphertext copied from one column into another of the same request does not open.
const EXTENSION_REASON = 'mla_extension_reason';
const POSTPONEMENT_REASON = 'mla_postponement_reason';
const HISTORY_REASON = 'mla_history_reason';

export interface PersonConcerned {
  name: string;
  role: string;
}

export class MlaVault {
  readonly #fields: FieldVault;

  constructor(keyCustody: KeyCustody) {
    this.#fields = keyCustody.fieldVault(SECRET);
  }

  async seal(q: Queryable, requestId: string, persons: PersonConcerned[], facts: string) {
    return {
      personsSealed: await this.#fields.seal(q, requestId, PERSONS, JSON.stringify(persons)),
      factsSealed: await this.#fields.seal(q, requestId, FACTS, facts),
    };
  }

  /** The measures as stored (their types) and the sealed descriptions and classification, for the request's row. */
  async sealDetails(q: Queryable, requestId: string, measures: MeasureRequested[], legalClassification: string) {
    const descriptions = measures.map((m) => m.description ?? null);
    return {
      measures: measures.map(({ type }) => ({ type })),
      measuresSealed: await this.#fields.seal(q, requestId, MEASURES, JSON.stringify(descriptions)),
      classificationSealed: await this.#fields.seal(q, requestId, CLASSIFICATION, legalClassification),
      legalClassification: null,
    };
  }

  /** The legal classification, opened (or as wave 1 stored it). */
  async classification(q: Queryable, r: MlaRecord): Promise<string> {
    if (!r.classificationSealed) return r.legalClassification ?? '';
    return this.#fields.open(q, r.id, CLASSIFICATION, r.classificationSealed);
  }

  /** The measures with their descriptions opened (or as wave 1 stored them). */
  async measures(q: Queryable, r: MlaRecord): Promise<MeasureRequested[]> {
    if (!r.measuresSealed) return r.measures;
    const descriptions = JSON.parse(await this.#fields.open(q, r.id, MEASURES, r.measuresSealed)) as (string | null)[];
    return r.measures.map((m, i) => {
      const description = descriptions[i];
      return description ? { type: m.type, description } : { type: m.type };
    });
  }

  async open(q: Queryable, sealed: { id: string; personsSealed: string; factsSealed: string }) {
    return {
      persons: JSON.parse(await this.#fields.open(q, sealed.id, PERSONS, sealed.personsSealed)) as PersonConcerned[],
      factsSummary: await this.#fields.open(q, sealed.id, FACTS, sealed.factsSealed),
    };
  }

  /** The change with its extension and postponement reasons sealed (the clear columns set to null). */
  async sealReasons(q: Queryable, requestId: string, change: MlaChange): Promise<MlaChange> {
    const sealed: MlaChange = { ...change };
    if (change.extensionReason) {
      sealed.extensionReasonSealed = await this.#fields.seal(q, requestId, EXTENSION_REASON, change.extensionReason);
      sealed.extensionReason = null;
    }
    if (change.postponementReason) {
      sealed.postponementReasonSealed = await this.#fields.seal(
        q,
        requestId,
        POSTPONEMENT_REASON,
        change.postponementReason,
      );
      sealed.postponementReason = null;
    }
    return sealed;
  }

  /** The request with its extension and postponement reasons opened (or as wave 1 stored them). */
  async openReasons(q: Queryable, r: MlaRecord): Promise<MlaRecord> {
    const opened = { ...r };
    if (r.extensionReasonSealed) {
      opened.extensionReason = await this.#fields.open(q, r.id, EXTENSION_REASON, r.extensionReasonSealed);
    }
    if (r.postponementReasonSealed) {
      opened.postponementReason = await this.#fields.open(q, r.id, POSTPONEMENT_REASON, r.postponementReasonSealed);
    }
    return opened;
  }

  /** A history entry to store: its reason sealed, bound to the request. */
  async sealHistory(q: Queryable, requestId: string, entry: HistoryEntry): Promise<HistoryEntry> {
    if (!entry.reason) return { ...entry, reason: null, reasonSealed: null };
    return { ...entry, reason: null, reasonSealed: await this.sealHistoryReason(q, requestId, entry.reason) };
  }

  async sealHistoryReason(q: Queryable, requestId: string, reason: string): Promise<string> {
    return this.#fields.seal(q, requestId, HISTORY_REASON, reason);
  }

  /** The history as shown: each reason opened (or as wave 1 stored it). */
  async openHistory(q: Queryable, requestId: string, entries: HistoryEntry[]) {
    const shown: Omit<HistoryEntry, 'reasonSealed'>[] = [];
    for (const { reasonSealed, ...entry } of entries) {
      const reason = reasonSealed ? await this.#fields.open(q, requestId, HISTORY_REASON, reasonSealed) : entry.reason;
      shown.push({ ...entry, reason });
    }
    return shown;
  }
}
