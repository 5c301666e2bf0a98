/**
 * Moving cases in and out as HTCDS rows: one flat row of field names per case, as the HTCDS toolkit spreadsheet and
 * the toolkit's XLSForm hold them. A row's prs_/psg_ fields describe the survivor, vic_/con_ the victim context,
 * cas_ the case, cco_CaseComment a first comment, hte_ one movement and per_ one perpetrator's role.
 */
import type { Db } from '../../db/client.ts';
import { AppError, invalid } from '../../lib/errors.ts';
import { type FieldError, type FieldMap, type FieldValue, isIsoDate } from '../../shared/case-fields.ts';
import { HTCDS_FIELDS } from '../../shared/htcds.ts';
import { htcdsStatus, type Stage } from '../../shared/lifecycle.ts';
import { actorRef, type Purpose } from '../../shared/policy.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import type { CasesService } from '../cases/index.ts';
import { type CaseAccess, type NewCase, type ValidCase, validateNewCase } from '../cases/index.ts';
import type { SurvivorsService } from '../survivors/index.ts';
import { agencyCountry } from '../user-accounts/index.ts';
import {
  isProvenanceColumn,
  provenanceValue,
  rowKey,
  standardValue,
  TOOLKIT_STATUSES,
  withSuggestion,
} from './htcds-values.ts';

export interface ImportRow {
  /** The row number a spreadsheet user sees. */
  rowNumber: number;
  /** The submission id of a survey export: the row's key when there is one (see rowKey). */
  externalId?: string;
  fields: Record<string, unknown>;
}

export interface RowError {
  row: number;
  column: string;
  reason: string;
}

export interface ImportOptions {
  agencyId: string;
  /** Commit the valid rows and report the others, instead of committing nothing when a row fails. */
  partial?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface ImportResult {
  imported: number;
  rejected: RowError[];
  references: string[];
  /** Rows imported before (same key in the same agency), skipped: their row number and their case's reference. */
  alreadyImported: { row: number; reference: string | null }[];
}

/** Passage's columns beside the HTCDS fields. */
export const REFERENCE_COLUMN = 'psg_CaseReference';
export const REPORTED_COLUMN = 'psg_ReportedAt';

/** Statuses of the toolkit that mean a closed case; imported as closed, with the toolkit's closure reason. */
const CLOSED_STATUSES = new Set<string>(['Closed', 'ClosedReferred']);
const CASE_STATUSES = new Set<string>(TOOLKIT_STATUSES);

/** What an import keeps beside a case: the toolkit columns Passage does not take as input, and its status. */
export type Provenance = Record<string, string>;

/** Columns an import takes but does not store on a case (the importing agency stands for the organisation). */
const IGNORED_PREFIXES = ['org_', 'spl_'];

/**
 * Maps one flat row to a first report, with errors for columns that cannot be taken. Picklist answers given by label
 * or in another case are read as the standard's value names first; the provenance columns are kept aside.
 */
export function rowToCase(row: ImportRow): {
  input: NewCase;
  errors: FieldError[];
  closed: string | null;
  provenance: Provenance;
} {
  const input: Required<Pick<NewCase, 'survivor' | 'victim' | 'details'>> & NewCase = {
    survivor: {},
    victim: {},
    details: {},
  };
  const movement: Record<string, unknown> = {};
  const perpetrator: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  const provenance: Provenance = {};
  let closed: string | null = null;
  for (const [column, raw] of Object.entries(row.fields)) {
    if (raw === '' || raw === null || raw === undefined) continue;
    const value = standardValue(column, raw);
    if (isProvenanceColumn(column)) {
      const kept = provenanceValue(column, raw);
      if ('value' in kept) provenance[column] = kept.value;
      else errors.push(kept);
    } else if (column === REPORTED_COLUMN) {
      const text = value instanceof Date ? value.toISOString().slice(0, 10) : String(value).trim();
      if (isIsoDate(text)) input.reportedAt = text;
      else errors.push({ field: column, reason: 'must be a date written YYYY-MM-DD' });
    } else if (column === REFERENCE_COLUMN || IGNORED_PREFIXES.some((p) => column.startsWith(p))) {
      // The node gives its own references; organisations and support plans are not imported with a case.
    } else if (column === 'cas_Status') {
      const status = String(value).trim();
      if (!CASE_STATUSES.has(status)) {
        const reason = `Status (cas_Status): use one of ${[...CASE_STATUSES].join(', ')}.`;
        errors.push(withSuggestion({ field: column, reason }, raw));
      } else {
        provenance.cas_Status = status;
        if (CLOSED_STATUSES.has(status)) closed = String(row.fields.cas_ReasonForCaseClosure ?? '').trim() || status;
      }
    } else if (column === 'cas_ReasonForCaseClosure') {
      // Taken with cas_Status.
    } else if (column === 'cco_CaseComment') {
      input.comment = String(value);
    } else if (column.startsWith('prs_') || column.startsWith('psg_')) {
      input.survivor[column] = value;
    } else if (column.startsWith('vic_') || column.startsWith('con_')) {
      input.victim[column] = value;
    } else if (column.startsWith('cas_')) {
      input.details[column] = value;
    } else if (column.startsWith('hte_')) {
      movement[column] = value;
    } else if (column.startsWith('per_')) {
      perpetrator[column] = value;
    } else {
      errors.push({ field: column, reason: 'is not an HTCDS field Passage imports' });
    }
  }
  if (Object.keys(movement).length > 0) input.movements = [movement];
  if (Object.keys(perpetrator).length > 0) input.perpetrators = [{ fields: perpetrator }];
  return { input, errors, closed, provenance };
}

/** Another import of the same rows went in first (see import). */
const importRace = () =>
  new AppError(
    'import_overtaken',
    409,
    'Another import of some of these rows finished first, so nothing of this one was imported. Import the file again: ' +
      'the rows already in are skipped.',
  );

/**
 * A file with a header and nothing under it: the toolkit's template as it is downloaded, whose only cells below the
 * header are the row numbers of its unnamed first column.
 */
const noRows = () =>
  new AppError(
    'import_no_rows',
    422,
    'The file has a header row of HTCDS field names but no case under it: no row below the header has a value in an ' +
      "HTCDS column (numbers in the toolkit template's unnamed first column do not count). Fill in one row per case, " +
      'from the row after the header (row 3 of the toolkit template), and import the file again.',
  );

/** The toolkit status of a case: its stage says open or closed; the status it was imported with says which one. */
function exportedStatus(stage: Stage, imported: string | undefined): string {
  const status = htcdsStatus(stage);
  if (status === 'Closed') return imported === 'ClosedReferred' ? imported : status;
  return imported === 'FollowUp' ? imported : status;
}

/** The column an error path points at: `survivor.prs_Birthdate` → `prs_Birthdate`. */
function columnOf(path: string): string {
  return path.replace(/^(survivor|victim|details|comment|movements\[\d+\]|perpetrators\[\d+\]\.fields)\.?/, '') || path;
}

export class HtcdsExchangeService {
  readonly #db: Db;
  readonly #audit: AuditService;
  readonly #cases: CasesService;
  readonly #access: CaseAccess;
  readonly #survivors: SurvivorsService;

  constructor(
    db: Db,
    audit: AuditService,
    deps: { cases: CasesService; survivors: SurvivorsService; access: CaseAccess },
  ) {
    this.#db = db;
    this.#audit = audit;
    this.#cases = deps.cases;
    this.#access = deps.access;
    this.#survivors = deps.survivors;
  }

  /**
   * Imports rows as cases of one agency, in one transaction: every row or none, or with `partial` the valid rows.
   * Rejected rows come back with their row number, column and reason (never the value). A row imported before into
   * the same agency (same key, see rowKey) is skipped and reported with its case's reference, so that a file can be
   * imported again after its rejected rows were fixed.
   */
  async import(ctx: RequestContext, rows: readonly ImportRow[], options: ImportOptions): Promise<ImportResult> {
    const { agencyId } = options;
    await this.#audit.authorize(ctx, 'htcds.import', { resource: { agencyId }, ref: `agency:${agencyId}` });
    if ((await agencyCountry(this.#db, agencyId)) === null) throw invalid('The agency to import into does not exist.');
    if (rows.length === 0) throw noRows();

    const { valid, rejected, alreadyImported } = await this.#sort(rows, agencyId);
    if (rejected.length > 0 && !options.partial) {
      const rowsWithErrors = new Set(rejected.map((r) => r.row)).size;
      throw new AppError(
        'import_rejected',
        422,
        `${rowsWithErrors} of ${rows.length} rows are not valid; nothing was imported. Fix them, or import the valid rows only.`,
        { rejected },
      );
    }
    await this.#cases.prepareSealing();
    const references = await this.#db.transaction(async (tx) => {
      const refs: string[] = [];
      const actor = actorRef(ctx.actor);
      for (const [i, item] of valid.entries()) {
        const caseId = await this.#cases.createValid(ctx, item.value, tx);
        if (item.closed) await this.#cases.closeImported(tx, caseId, actor, item.closed);
        const { reference } = await this.#access.load(tx, caseId);
        // Two imports of the same rows at the same moment both find them new: the second to insert its key undoes
        // its whole import instead of failing on the key (a 500) or creating the case twice.
        const kept = await tx.query(
          `insert into htcds_import_rows (agency_id, row_key, case_id, reference, provenance, imported_at)
           values ($1, $2, $3, $4, $5, now()) on conflict (agency_id, row_key) do nothing returning row_key`,
          [agencyId, item.key, caseId, reference, JSON.stringify(item.provenance)],
        );
        if (kept.length === 0) throw importRace();
        refs.push(reference);
        options.onProgress?.(i + 1, valid.length);
      }
      await this.#audit.record(tx, ctx, {
        action: 'htcds.import',
        resource: `agency:${agencyId}`,
        outcome: 'success',
      });
      return refs;
    });
    return { imported: references.length, rejected, references, alreadyImported };
  }

  /**
   * The rows an import would take, the ones it refuses (each problem with a suggestion where there is one), and
   * the ones imported before.
   */
  async #sort(rows: readonly ImportRow[], agencyId: string) {
    const known = await this.#importedKeys(agencyId);
    const alreadyImported: ImportResult['alreadyImported'] = [];
    const seen = new Set<string>();
    const rejected: RowError[] = [];
    const valid: { row: number; key: string; value: ValidCase; closed: string | null; provenance: Provenance }[] = [];
    for (const row of rows) {
      const key = rowKey(row.fields, row.externalId);
      const before = known.get(key);
      if (before !== undefined || seen.has(key)) {
        // The same row twice in one file is one case, as when the file is imported twice.
        alreadyImported.push({ row: row.rowNumber, reference: before ?? null });
        continue;
      }
      seen.add(key);
      const mapped = rowToCase(row);
      const checked = validateNewCase({ ...mapped.input, agencyId });
      const errors = [...mapped.errors, ...(checked.ok ? [] : checked.errors)];
      if (errors.length > 0 || !checked.ok) {
        for (const e of errors) {
          const column = columnOf(e.field);
          const { reason } = withSuggestion({ field: column, reason: e.reason }, row.fields[column]);
          rejected.push({ row: row.rowNumber, column, reason });
        }
      } else {
        valid.push({
          row: row.rowNumber,
          key,
          value: checked.value,
          closed: mapped.closed,
          provenance: mapped.provenance,
        });
      }
    }
    return { valid, rejected, alreadyImported };
  }

  /**
   * The problems an import of these rows would report, without importing anything: what the file of rejected rows
   * is made from. Allowed to those who may import.
   */
  async check(ctx: RequestContext, rows: readonly ImportRow[], agencyId: string): Promise<RowError[]> {
    await this.#audit.authorize(ctx, 'htcds.import', { resource: { agencyId }, ref: `agency:${agencyId}` });
    if ((await agencyCountry(this.#db, agencyId)) === null) throw invalid('The agency to import into does not exist.');
    if (rows.length === 0) throw noRows();
    return (await this.#sort(rows, agencyId)).rejected;
  }

  /** The keys of the rows imported into an agency before, with their case's reference. */
  async #importedKeys(agencyId: string): Promise<Map<string, string>> {
    const found = await this.#db.query<{ row_key: string; reference: string }>(
      'select row_key, reference from htcds_import_rows where agency_id = $1',
      [agencyId],
    );
    return new Map(found.map((r) => [r.row_key, r.reference]));
  }

  /** What imports kept beside the agency's cases, by case id. */
  async #provenance(agencyId: string): Promise<Map<string, Provenance>> {
    const found = await this.#db.query<{ case_id: string; provenance: Provenance }>(
      'select case_id, provenance from htcds_import_rows where agency_id = $1',
      [agencyId],
    );
    return new Map(found.map((r) => [r.case_id, r.provenance]));
  }

  /**
   * The cases of an agency (or all the caller may export) as flat rows. Identity fields are included only with a
   * purpose; each survivor whose identity is exported gets a disclosure record, written before any row is returned.
   */
  async export(
    ctx: RequestContext,
    options: { agencyId: string; purpose?: Purpose },
  ): Promise<{ columns: string[]; rows: Record<string, FieldValue>[] }> {
    const { agencyId, purpose } = options;
    const resource = { agencyId };
    await this.#audit.authorize(ctx, 'htcds.export', { resource, ref: `agency:${agencyId}` });
    if (purpose) {
      await this.#audit.authorize(ctx, 'htcds.export_identity', { resource, ref: `agency:${agencyId}`, purpose });
    }
    const reader = await this.#survivors.identityReader();
    const rows: Record<string, FieldValue>[] = [];
    const provenance = await this.#provenance(agencyId);
    const disclosed: { personId: string; fields: string[] }[] = [];
    for (const { found: c, movement, perpetrator, comment } of await this.#cases.recordsOfAgency(agencyId)) {
      const person = await reader.read(this.#db, c.survivorId, purpose ? undefined : []);
      if (!person) continue;
      const identity = person.identity ?? {};
      if (Object.keys(identity).length > 0) disclosed.push({ personId: person.id, fields: Object.keys(identity) });
      const { cas_Status: importedStatus, ...kept } = provenance.get(c.id) ?? {};
      rows.push({
        [REFERENCE_COLUMN]: c.reference,
        [REPORTED_COLUMN]: c.reportedAt,
        cas_Status: exportedStatus(c.stage, importedStatus),
        ...kept,
        ...identity,
        ...person.attributes,
        ...c.victim,
        ...c.details,
        ...(comment !== undefined ? { cco_CaseComment: comment } : {}),
        ...movement?.fields,
        ...perpetrator?.fields,
      });
    }
    await this.#db.transaction(async (tx) => {
      for (const d of disclosed) {
        await this.#survivors.recordDisclosure(tx, {
          personId: d.personId,
          actor: actorRef(ctx.actor),
          agencyId,
          kind: 'export',
          purpose: purpose as string,
          fields: d.fields,
          recipient: null,
          requestId: ctx.requestId,
        });
      }
      await this.#audit.record(tx, ctx, {
        action: purpose ? 'htcds.export_identity' : 'htcds.export',
        resource: `agency:${agencyId}`,
        purpose,
        outcome: 'success',
      });
    });
    return { columns: exportColumns(rows), rows };
  }
}

const STANDARD_ORDER = new Map(HTCDS_FIELDS.map((field, i) => [field.name, i]));

/** Passage's reference and report date first, then HTCDS fields in the standard's order, then Passage's extensions. */
function exportColumns(rows: readonly FieldMap[]): string[] {
  const present = new Set(rows.flatMap((row) => Object.keys(row)));
  const first = [REFERENCE_COLUMN, REPORTED_COLUMN].filter((c) => present.has(c));
  const rank = (name: string) => STANDARD_ORDER.get(name) ?? Number.MAX_SAFE_INTEGER;
  const rest = [...present].filter((c) => !first.includes(c)).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return [...first, ...rest];
}
