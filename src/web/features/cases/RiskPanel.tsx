import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { assessRisk, type RiskReason, type RiskResult } from '../../../shared/risk.ts';
import type { SessionUser } from '../../api.ts';
import { TextAreaField } from '../../components/Field.tsx';
import { FormProblem, useForm } from '../../components/useForm.tsx';
import { Loaded, useResource } from '../../components/useResource.tsx';
import { DATE_TIME, useDateFormat, useListFormat } from '../../i18n/format.ts';
import { careApi, type RiskAssessment, type RiskInstrument } from './care-api.ts';
import type { Case } from './cases-api.ts';
import { Opener } from './Opener.tsx';
import { allowsOnCase } from './vocabulary.ts';

/** Question and answer labels in the chosen language; the instrument's English for a version the app does not know. */
function useRiskWords(instrument: RiskInstrument) {
  const { t, i18n } = useTranslation();
  return useMemo(() => {
    const known = (key: string) => i18n.exists(key);
    const question = (id: string) => {
      const key = `risk.questions.${id}`;
      return known(key) ? t(key as never) : (instrument.questions.find((q) => q.id === id)?.label ?? id);
    };
    const answer = (questionId: string, value: string) => {
      const key = `risk.answers.${value}`;
      if (known(key)) return t(key as never);
      const q = instrument.questions.find((candidate) => candidate.id === questionId);
      return q?.answers.find((a) => a.value === value)?.label ?? value;
    };
    return { question, answer };
  }, [t, i18n, instrument]);
}

interface RiskPanelProps {
  found: Case;
  user: SessionUser;
  revision: number;
  actorName(actor: string): string;
  onChanged(): void;
}

/**
 * The risk to the survivor: the latest assessment with the answers that raised it, how it changed since the one
 * before, the safety plan a high level requires, the earlier assessments, and the questionnaire for a new one.
 */
export function RiskPanel({ found, user, revision, actorName, onChanged }: RiskPanelProps) {
  const { t } = useTranslation();
  const ids = useId();
  const instrument = useResource(useCallback(() => careApi.instrument(), []));
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new revision of the case may mean a new assessment.
  const history = useResource(useCallback(() => careApi.assessments(found.id), [found.id, revision]));
  const canAssess = allowsOnCase(user, 'risk.assess', found);
  return (
    <section id="risk" aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('risk.title')}</h2>
      <Loaded resource={instrument}>
        {(questionnaire) => (
          <Loaded resource={history}>
            {(assessments) => (
              <>
                {assessments.length === 0 ? (
                  <p>{t('risk.none')}</p>
                ) : (
                  <Assessments assessments={assessments} instrument={questionnaire} actorName={actorName} />
                )}
                {canAssess && (
                  <Opener label={t('risk.open')}>
                    <RiskForm caseId={found.id} instrument={questionnaire} onAssessed={onChanged} />
                  </Opener>
                )}
              </>
            )}
          </Loaded>
        )}
      </Loaded>
    </section>
  );
}

function Assessments({
  assessments,
  instrument,
  actorName,
}: {
  assessments: RiskAssessment[];
  instrument: RiskInstrument;
  actorName(actor: string): string;
}) {
  const { t } = useTranslation();
  const formatTime = useDateFormat(DATE_TIME);
  const words = useRiskWords(instrument);
  const list = useListFormat();
  const [latest, ...earlier] = assessments;
  if (!latest) return null;
  const change = latest.change;
  return (
    <>
      <div className={`subsection risk-result risk-${latest.level}`}>
        <h3>{t('risk.latest')}</h3>
        <p className="risk-level">
          {t(`risk.levels.${latest.level}`)} · {t('risk.score', { count: latest.score })}
        </p>
        <p className="hint">
          <time dateTime={latest.assessedAt}>{formatTime(latest.assessedAt)}</time> · {actorName(latest.assessedBy)}
        </p>
        <Reasons reasons={latest.reasons} words={words} />
        {change && (
          <p>
            {t(`risk.change.${change.levelChange}`, {
              previous: t(`risk.levels.${change.previousLevel}`),
              current: t(`risk.levels.${change.currentLevel}`),
            })}
            {change.appeared.length > 0 &&
              ` ${t('risk.appeared', { list: list(change.appeared.map((r) => words.question(r.question))) })}`}
            {change.disappeared.length > 0 &&
              ` ${t('risk.disappeared', { list: list(change.disappeared.map((r) => words.question(r.question))) })}`}
          </p>
        )}
        {latest.safetyPlan && (
          <>
            <h4>{t('risk.safetyPlan')}</h4>
            <blockquote>{latest.safetyPlan}</blockquote>
          </>
        )}
        {latest.erasedFields?.includes('safety_plan') && (
          <>
            <h4>{t('risk.safetyPlan')}</h4>
            <p className="hint">{t('atRest.erased')}</p>
          </>
        )}
      </div>
      {earlier.length > 0 && (
        <details className="more-details">
          <summary>{t('risk.earlier', { count: earlier.length })}</summary>
          <ul className="plain">
            {earlier.map((assessment) => (
              <li key={assessment.id}>
                <time dateTime={assessment.assessedAt}>{formatTime(assessment.assessedAt)}</time> ·{' '}
                {t(`risk.levels.${assessment.level}`)} · {t('risk.score', { count: assessment.score })}
                <Reasons reasons={assessment.reasons} words={words} />
              </li>
            ))}
          </ul>
        </details>
      )}
    </>
  );
}

type Words = ReturnType<typeof useRiskWords>;

/** Why the score is what it is: each answer that raised it, with its points. */
function Reasons({ reasons, words }: { reasons: readonly RiskReason[]; words: Words }) {
  const { t } = useTranslation();
  if (reasons.length === 0) return <p>{t('risk.noReasons')}</p>;
  return (
    <ul className="risk-reasons">
      {reasons.map((reason) => (
        <li key={reason.question}>
          {t('risk.reason', {
            question: words.question(reason.question),
            answer: words.answer(reason.question, reason.answer),
            count: reason.points,
          })}
          {reason.forcedHigh && <strong> {t('risk.forcedHigh')}</strong>}
        </li>
      ))}
    </ul>
  );
}

/** The questionnaire, with the level and its reasons worked out as it is answered, before anything is saved. */
function RiskForm({
  caseId,
  instrument,
  onAssessed,
}: {
  caseId: string;
  instrument: RiskInstrument;
  onAssessed(): void;
}) {
  const { t } = useTranslation();
  const ids = useId();
  const words = useRiskWords(instrument);
  const formElement = useRef<HTMLFormElement>(null);
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [saved, setSaved] = useState(false);
  const notice = useRef<HTMLParagraphElement>(null);
  // The node scores with the same code; the preview only shows what saving will record.
  const preview: RiskResult | null = useMemo(() => {
    if (instrument.questions.some((question) => !answers[question.id])) return null;
    try {
      return assessRisk(instrument.id, answers);
    } catch {
      return null;
    }
  }, [instrument, answers]);

  useEffect(() => {
    if (saved) notice.current?.focus();
  }, [saved]);

  const form = useForm(async (data) => {
    setSaved(false);
    const missing = instrument.questions.find((question) => !answers[question.id]);
    if (missing) throw new FormProblem('risk_unanswered', missing.id);
    const safetyPlan = String(data.get('safetyPlan') ?? '').trim();
    if (preview?.safetyPlanRequired && !safetyPlan) throw new FormProblem('safety_plan_missing', 'safetyPlan');
    await careApi.assess(caseId, { instrument: instrument.id, answers, ...(safetyPlan ? { safetyPlan } : {}) });
    formElement.current?.reset();
    setAnswers({});
    setSaved(true);
    onAssessed();
  });

  return (
    <form
      ref={formElement}
      className="form subsection"
      noValidate
      aria-labelledby={`${ids}-title`}
      onSubmit={form.onSubmit}
    >
      <h3 id={`${ids}-title`}>{t('risk.formTitle')}</h3>
      <p className="hint">{t('risk.formIntro')}</p>
      <p ref={notice} role="status" tabIndex={-1} className={saved ? 'notice' : undefined}>
        {saved && t('risk.saved')}
      </p>
      {form.error}
      <div className="risk-questions">
        {instrument.questions.map((question) => {
          const errorId = form.errorFor(question.id);
          return (
            <fieldset key={question.id} className="choices inline">
              <legend>{words.question(question.id)}</legend>
              {question.answers.map((option) => (
                <label key={option.value} className="choice">
                  <input
                    type="radio"
                    name={question.id}
                    value={option.value}
                    required
                    aria-invalid={errorId ? true : undefined}
                    aria-describedby={errorId}
                    onChange={() => setAnswers((current) => ({ ...current, [question.id]: option.value }))}
                  />
                  {words.answer(question.id, option.value)}
                </label>
              ))}
            </fieldset>
          );
        })}
      </div>
      <div className={`risk-preview${preview ? ` risk-${preview.level}` : ''}`} aria-live="polite">
        {preview ? (
          <>
            <p className="risk-level">
              {t('risk.previewLevel', { level: t(`risk.levels.${preview.level}`), count: preview.score })}
            </p>
            <Reasons reasons={preview.reasons} words={words} />
          </>
        ) : (
          <p>{t('risk.previewPending')}</p>
        )}
      </div>
      {preview?.safetyPlanRequired && (
        <TextAreaField
          label={t('risk.safetyPlan')}
          hint={t('risk.safetyPlanHint')}
          name="safetyPlan"
          required
          rows={5}
          maxLength={20000}
          errorId={form.errorFor('safetyPlan')}
        />
      )}
      <button type="submit" className="button" aria-disabled={form.pending}>
        {form.pending ? t('stageBar.saving') : t('risk.submit')}
      </button>
    </form>
  );
}
