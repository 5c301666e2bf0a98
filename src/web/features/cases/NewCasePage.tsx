import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Agency } from '../../api.ts';
import { type ErrorId, ErrorMessage, errorIdOf } from '../../components/ErrorMessage.tsx';
import { PageHeading } from '../../components/PageHeading.tsx';
import { fieldText } from '../../components/useForm.tsx';
import { type Case, casesApi, type FieldError, fieldErrorsOf, type NewCase } from './cases-api.ts';
import { FirstReportFields, type MovementKind, useFirstReportLabels } from './FirstReportFields.tsx';

type Fields = Record<string, string | string[]>;

/** The person's details, as the form names them (`survivor.prs_FirstName`), in the order the form shows them. */
const SURVIVOR_TEXT = [
  'prs_FirstName',
  'prs_SecondName',
  'prs_Birthdate',
  'prs_Gender',
  'prs_PrimaryLanguage',
  'prs_MobilePhone',
  'prs_IdentityNumber',
] as const;
const VICTIM_TEXT = ['vic_TraffickingStatus', 'vic_TraffickingStatusDecisionMakingOrg'] as const;
const VICTIM_LISTS = ['vic_TypeOfExploitation', 'vic_MethodsOfControl'] as const;
const MOVEMENTS: readonly { kind: MovementKind; hteType: string }[] = [
  { kind: 'exploitation', hteType: 'Exploitation' },
  { kind: 'recruitment', hteType: 'Recruitment' },
];

/** Fields whose problems the app can explain in the user's language; the server's own reason is English only. */
const EXPLAINED: Record<string, 'phone' | 'birthDate' | 'reportedAt'> = {
  'survivor.prs_MobilePhone': 'phone',
  'survivor.prs_Birthdate': 'birthDate',
  reportedAt: 'reportedAt',
};

const compact = (fields: Fields): Fields =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value.length > 0));

/** The first report as the API takes it, and which form section each movement in it came from. */
function reportFrom(data: FormData, chooseAgency: boolean): { report: NewCase; movementKinds: MovementKind[] } {
  const text = (name: string) => fieldText(data, name);
  const list = (name: string) => data.getAll(name).map(String).filter(Boolean);
  const survivor: Fields = Object.fromEntries(SURVIVOR_TEXT.map((name) => [name, text(`survivor.${name}`)]));
  const citizenship = text('survivor.prs_Citizenship');
  survivor.prs_Citizenship = citizenship ? [citizenship] : [];
  survivor.psg_Aliases = text('survivor.psg_Aliases')
    .split(',')
    .map((alias) => alias.trim())
    .filter(Boolean);
  if (data.get('interpreter') && survivor.prs_PrimaryLanguage) {
    survivor.psg_InterpreterLanguage = survivor.prs_PrimaryLanguage;
  }
  const victim: Fields = {
    ...Object.fromEntries(VICTIM_TEXT.map((name) => [name, text(`victim.${name}`)])),
    ...Object.fromEntries(VICTIM_LISTS.map((name) => [name, list(`victim.${name}`)])),
  };
  const movements: Fields[] = [];
  const movementKinds: MovementKind[] = [];
  for (const { kind, hteType } of MOVEMENTS) {
    const place = compact({ hte_City: text(`${kind}.hte_City`), hte_Country: text(`${kind}.hte_Country`) });
    if (Object.keys(place).length === 0) continue;
    movements.push({ hte_Type: hteType, ...place });
    movementKinds.push(kind);
  }
  const comment = text('comment');
  const agencyId = text('agencyId');
  const report: NewCase = {
    reportedAt: text('reportedAt') || undefined,
    survivor: compact(survivor),
    victim: compact(victim),
    movements,
    ...(comment ? { comment } : {}),
    ...(chooseAgency && agencyId ? { agencyId } : {}),
    ...(data.get('confirmEmpty') ? { confirmEmpty: true } : {}),
  };
  return { report, movementKinds };
}

/** `movements[1].hte_Country` → `recruitment.hte_Country`: the name of the control that holds the field. */
function controlName(field: string, movementKinds: MovementKind[]): string {
  const movement = /^movements\[(\d+)\]\.(.+)$/.exec(field);
  if (!movement) return field;
  const kind = movementKinds[Number(movement[1])];
  return kind ? `${kind}.${movement[2]}` : field;
}

interface NewCasePageProps {
  agencies: Agency[];
  chooseAgency: boolean;
  onCreated(opened: Case): void;
}

/**
 * A first report, quick to take down while the person is there: who they are and what happened first, in the order
 * an interview goes; more details are folded away. Every field is optional, so nobody is pressed for more than they
 * want to say. Identity details are encrypted by the node as soon as they arrive.
 */
export function NewCasePage({ agencies, chooseAgency, onCreated }: NewCasePageProps) {
  const { t, i18n } = useTranslation();
  const ids = useId();
  const summary = useRef<HTMLDivElement>(null);
  const labelOf = useFirstReportLabels();
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<ErrorId | null>(null);
  const [problems, setProblems] = useState<FieldError[]>([]);
  const [failures, setFailures] = useState(0);
  // The server refused a report with no name, alias, phone or note: the form asks whether that was meant.
  const [confirming, setConfirming] = useState(false);
  const formElement = useRef<HTMLFormElement>(null);

  // Once the messages are on the page, the first field to fix takes the focus (and reads its message); without one,
  // the summary does.
  useEffect(() => {
    if (failures === 0) return;
    const elements = formElement.current?.elements;
    const first = problems.map((problem) => elements?.namedItem(problem.field)).find(Boolean);
    const control = first instanceof RadioNodeList ? first[0] : first;
    if (control instanceof HTMLElement) {
      // A field among the further details is folded away until it needs fixing.
      const folded = control.closest('details');
      if (folded) folded.open = true;
      control.focus();
    } else summary.current?.focus();
  }, [failures, problems]);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (pending) return;
    const { report, movementKinds } = reportFrom(new FormData(event.currentTarget), chooseAgency);
    setPending(true);
    setFailure(null);
    setProblems([]);
    try {
      onCreated(await casesApi.create(report));
    } catch (error) {
      const refused = fieldErrorsOf(error).map((e) => ({ ...e, field: controlName(e.field, movementKinds) }));
      const errorId = refused.length > 0 ? 'fields_invalid' : errorIdOf(error);
      if (errorId === 'empty_first_report') setConfirming(true);
      setFailure(errorId);
      setProblems(refused);
      setFailures((n) => n + 1);
      setPending(false);
    }
  };

  const problemFor = (name: string): ReactNode => {
    const problem = problems.find((p) => p.field === name);
    if (!problem) return undefined;
    const explained = EXPLAINED[name];
    if (explained) return t(`newCase.problems.${explained}`);
    return <span lang={i18n.language === 'en' ? undefined : 'en'}>{problem.reason}</span>;
  };

  return (
    <>
      <PageHeading title={t('newCase.title')} />
      <p>{t('newCase.intro')}</p>
      <form
        ref={formElement}
        className="form case-form"
        noValidate
        aria-labelledby={`${ids}-title`}
        onSubmit={onSubmit}
        onKeyDown={(event) => {
          // Enter in a text field does not send the report: a half-typed first name must not open a case.
          const target = event.target;
          if (event.key === 'Enter' && target instanceof HTMLInputElement && target.type !== 'submit') {
            event.preventDefault();
          }
        }}
      >
        <h2 id={`${ids}-title`} className="visually-hidden">
          {t('newCase.title')}
        </h2>
        <div ref={summary} tabIndex={-1}>
          {failure && <ErrorMessage errorId={failure} />}
          {problems.length > 0 && (
            <ul className="problem-list">
              {problems.map((problem) => (
                <li key={problem.field}>
                  {t('newCase.problem', { field: labelOf(problem.field) })} {problemFor(problem.field)}
                </li>
              ))}
            </ul>
          )}
        </div>
        <FirstReportFields agencies={chooseAgency ? agencies : null} problemFor={problemFor} />
        {confirming && (
          <p className="confirm">
            <label>
              <input type="checkbox" name="confirmEmpty" value="yes" /> {t('newCase.confirmEmpty')}
            </label>
          </p>
        )}
        <button type="submit" className="button" aria-disabled={pending}>
          {pending ? t('newCase.submitting') : t('newCase.submit')}
        </button>
      </form>
    </>
  );
}
