/**
 * Moving cases in and out as HTCDS rows: one flat row of field names per case, as the HTCDS toolkit spreadsheet and
 * the toolkit's XLSForm hold them. A row's prs_/psg_ fields describe the survivor, vic_/con_ the victim context,
 * cas_ the case, cco_CaseComment a first comment, hte_ one movement and per_ one perpetrator's role.
 */
import type { Db } from '../../db/client.ts';
import { AppError, invalid } from '../../lib/errors.ts';
import { type FieldError, type FieldMap, type FieldValue, isIsoDate } from '../../shared/case-fields.ts';
import { HTCDS_FIELDS } from '../../shared/htcds.ts';
import { htcdsStatus } from '../../shared/lifecycle.ts';
import { actorRef, type Purpose } from '../../shared/policy.ts';
import type { AuditService, RequestContext } from '../audit/index.ts';
import type { CasesService } from '../cases/index.ts';
import { type CaseAccess, type NewCase, type ValidCase, validateNewCase } from '../cases/index.ts';
import type { SurvivorsService } from '../survivors/index.ts';
import { agencyCountry } from '../user-accounts/index.ts';

export interface ImportRow {
  /** The row number a spreadsheet user sees. */
  rowNumber: number;
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
}

/** Passage's columns beside the HTCDS fields. */
export const REFERENCE_COLUMN = 'psg_CaseReference';
export const REPORTED_COLUMN = 'psg_ReportedAt';

/** Statuses of the toolkit that mean a closed case; imported as closed, with the toolkit's closure reason. */
const CLOSED_STATUSES = new Set(['Closed', 'ClosedReferred']);
const CASE_STATUSES = new Set(['Active', 'FollowUp', ...CLOSED_STATUSES]);

/** Columns an import takes but does not store on a case (the importing agency stands for the organisation). */
const IGNORED_PREFIXES = ['org_', 'spl_'];

/** Maps one flat row to a first report, with errors for columns that cannot be taken. */
export function rowToCase(row: ImportRow): { input: NewCase; errors: FieldError[]; closed: string | null } {
  const input: Required<Pick<NewCase, 'survivor' | 'victim' | 'details'>> & NewCase = {
    survivor: {},
    victim: {},
    details: {},
  };
  const movement: Record<string, unknown> = {};
  const perpetrator: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  let closed: string | null = null;
  for (const [column, value] of Object.entries(row.fields)) {
    if (value === '' || value === null || value === undefined) continue;
    if (column === REPORTED_COLUMN) {
      const text = value instanceof Date ? value.toISOString().slice(0, 10) : String(value).trim();
      if (isIsoDate(text)) input.reportedAt = text;
      else errors.push({ field: column, reason: 'must be a date written YYYY-MM-DD' });
    } else if (column === REFERENCE_COLUMN || IGNORED_PREFIXES.some((p) => column.startsWith(p))) {
      // The node gives its own references; organisations and support plans are not imported with a case.
    } else if (column === 'cas_Status') {
      const status = String(value).trim();
      if (!CASE_STATUSES.has(status))
        errors.push({ field: column, reason: `use one of ${[...CASE_STATUSES].join(', ')}` });
      else if (CLOSED_STATUSES.has(status)) closed = String(row.fields.cas_ReasonForCaseClosure ?? '').trim() || status;
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
  return { input, errors, closed };
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
   * Rejected rows come back with their row number, column and reason (never the value).
   */
  async import(ctx: RequestContext, rows: readonly ImportRow[], options: ImportOptions): Promise<ImportResult> {
    const { agencyId } = options;
    await this.#audit.authorize(ctx, 'htcds.import', { resource: { agencyId }, ref: `agency:${agencyId}` });
    if ((await agencyCountry(this.#db, agencyId)) === null) throw invalid('The agency to import into does not exist.');
    if (rows.length === 0) throw invalid('The file has no rows to import.');

    const rejected: RowError[] = [];
    const valid: { row: number; value: ValidCase; closed: string | null }[] = [];
    for (const row of rows) {
      const mapped = rowToCase(row);
      const checked = validateNewCase({ ...mapped.input, agencyId });
      const errors = [...mapped.errors, ...(checked.ok ? [] : checked.errors)];
      if (errors.length > 0 || !checked.ok) {
        for (const e of errors) rejected.push({ row: row.rowNumber, column: columnOf(e.field), reason: e.reason });
      } else {
        valid.push({ row: row.rowNumber, value: checked.value, closed: mapped.closed });
      }
    }
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
        refs.push((await this.#access.load(tx, caseId)).reference);
        options.onProgress?.(i + 1, valid.length);
      }
      await this.#audit.record(tx, ctx, {
        action: 'htcds.import',
        resource: `agency:${agencyId}`,
        outcome: 'success',
      });
      return refs;
    });
    return { imported: references.length, rejected, references };
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
    const disclosed: { personId: string; fields: string[] }[] = [];
    for (const { found: c, movement, perpetrator, comment } of await this.#cases.recordsOfAgency(agencyId)) {
      const person = await reader.read(this.#db, c.survivorId, purpose ? undefined : []);
      if (!person) continue;
      const identity = person.identity ?? {};
      if (Object.keys(identity).length > 0) disclosed.push({ personId: person.id, fields: Object.keys(identity) });
      rows.push({
        [REFERENCE_COLUMN]: c.reference,
        [REPORTED_COLUMN]: c.reportedAt,
        cas_Status: htcdsStatus(c.stage),
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
