/**
 * What a case worker or a supervisor does to a case as a record rather than to its content: the list's
 * non-identifying label, and voiding a case created in error.
 */
import { AppError, invalid } from '../../lib/errors.ts';
import type { FieldMap } from '../../shared/case-fields.ts';
import type { RequestContext } from '../audit/index.ts';
import { type CaseWriting, requireReason } from './case-lifecycle.ts';
import { voidCase as markVoided, setLabel } from './case-list.repository.ts';
import { LABEL } from './case-seal.ts';
import type { NewCase } from './first-report.ts';

export const LABEL_MAX = 60;

/**
 * Sets (or, empty, removes) the label a case worker gives a case so that rows of the list can be told apart. It is
 * free text about a survivor's case: sealed under her data key, so that erasing her identity erases it too.
 */
export async function setCaseLabel(deps: CaseWriting, ctx: RequestContext, id: string, label: string | null) {
  const text = label?.trim() ?? '';
  if (text.length > LABEL_MAX) throw invalid(`The label is longer than ${LABEL_MAX} characters.`);
  await deps.write(ctx, id, 'case.update', async (tx, _actor, found) => {
    const sealer = await deps.persons.dataSealer(tx, found.survivorId);
    await setLabel(tx, id, text ? sealer.seal(id, LABEL, text) : null);
  });
}

/**
 * Voids a case created in error: it leaves lists, search, statistics and the work queue, and reads of it answer "not
 * found"; its own history (the `voided` event with the reason) and the audit trail keep it.
 */
export async function voidCase(deps: CaseWriting, ctx: RequestContext, id: string, reason: string): Promise<void> {
  const why = requireReason(reason, 'the reason the case was created in error');
  await deps.write(ctx, id, 'case.void', async (tx, actor) => {
    await deps.recordEvent(tx, id, actor, 'voided', { reason: why });
    await markVoided(tx, id);
  });
}

/** The survivor fields of a first report that tell someone recorded something: a name, an alias or a phone. */
const SAYS_SOMETHING = [
  'prs_FirstName',
  'prs_MiddleName',
  'prs_SecondName',
  'psg_Aliases',
  'prs_HomePhone',
  'prs_MobilePhone',
];

/**
 * Refuses a first report with none of a name, an alias, a phone or a note unless it says it is deliberate
 * (`confirmEmpty`): an empty form or an early Enter must not create a case by accident (issue 15).
 */
export function refuseAccidentalReport(input: NewCase & { confirmEmpty?: boolean }): void {
  if (input.confirmEmpty) return;
  const survivor = input.survivor as FieldMap;
  const given = (name: string) => {
    const value = survivor[name];
    return value !== undefined && value !== null && String(value).trim() !== '';
  };
  if (SAYS_SOMETHING.some(given) || input.comment?.trim()) return;
  throw new AppError(
    'empty_first_report',
    400,
    'The report has no name, alias, phone or note. Add one, or confirm that you mean to open a case without them.',
  );
}
