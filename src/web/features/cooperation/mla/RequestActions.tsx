import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TextAreaField, TextField } from '../../../components/Field.tsx';
import { fieldText } from '../../../components/useForm.tsx';
import { Link } from '../../../router.tsx';
import { ConfirmDialog } from '../../admin/ConfirmDialog.tsx';
import { requestPath } from './MlaListPage.tsx';
import { MAX_EXTENSION_DAYS, type MlaRequest, mlaApi, opens, PLAIN_STEPS, type PlainStep } from './mla-api.ts';
import { MlaProblem, type Problem, ProblemMessage, problemOf } from './mla-errors.tsx';
import { ReturnEvidenceForm } from './ReturnEvidenceForm.tsx';
import { StepForm } from './StepForm.tsx';

type Open = 'send' | 'close' | 'refuse' | 'extend' | 'postpone' | 'return_evidence';

/** The steps open to this node on the request now. */
function stepsOf(request: MlaRequest) {
  return {
    isDraft: request.side === 'issuing' && request.state === 'draft',
    plain: PLAIN_STEPS.filter((action) => opens(request, action)),
    // The decision period is extended once at most.
    forms: (['refuse', 'extend', 'postpone', 'return_evidence'] as const).filter(
      (action) => opens(request, action) && !(action === 'extend' && request.extension),
    ),
    canClose: opens(request, 'close'),
  };
}

/** Whether this node can take any step on the request now. */
export function hasSteps(request: MlaRequest): boolean {
  const { isDraft, plain, forms, canClose } = stepsOf(request);
  return isDraft || plain.length > 0 || forms.length > 0 || canClose;
}

interface RequestActionsProps {
  request: MlaRequest;
  /** After a step: the request as it is now, and what to announce. */
  onChanged(request: MlaRequest, done: string): void;
}

/**
 * The steps open to this node on the request, in its state and on its side (the server's own state table): the
 * issuing node sends and closes, the executing node does everything in between.
 */
export function RequestActions({ request, onChanged }: RequestActionsProps) {
  const { t } = useTranslation();
  const [open, setOpen] = useState<Open | null>(null);
  const [busy, setBusy] = useState<PlainStep | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const peer = request.peer;

  const changed = (updated: MlaRequest, done: string) => {
    setOpen(null);
    setProblem(null);
    onChanged(updated, done);
  };
  const step = async (action: PlainStep) => {
    if (busy) return;
    setBusy(action);
    setProblem(null);
    try {
      changed(await mlaApi.step(request.id, action), t(`cooperation.mla.done.${action}`, { peer }));
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(null);
    }
  };
  const ask = (form: Open) => {
    setProblem(null);
    setOpen(form);
  };

  const { isDraft, plain, forms, canClose } = stepsOf(request);

  return (
    <>
      {problem && <ProblemMessage problem={problem} />}
      <div className="actions">
        {isDraft && (
          <>
            <Link to={`${requestPath(request.id)}/edit`} className="button secondary">
              {t('cooperation.mla.actions.edit')}
            </Link>
            <button type="button" className="button" onClick={() => ask('send')}>
              {t('cooperation.mla.actions.send', { peer })}
            </button>
          </>
        )}
        {plain.map((action) => (
          <button
            key={action}
            type="button"
            className="button"
            aria-disabled={busy === action}
            onClick={() => void step(action)}
          >
            {busy === action ? t('cooperation.mla.actions.working') : t(`cooperation.mla.actions.${action}`)}
          </button>
        ))}
        {forms.map((action) => (
          <button
            key={action}
            type="button"
            className="button secondary"
            aria-expanded={open === action}
            onClick={() => ask(action)}
          >
            {t(`cooperation.mla.actions.${action}`)}
          </button>
        ))}
        {canClose && (
          <button type="button" className="button secondary" onClick={() => ask('close')}>
            {t('cooperation.mla.actions.close')}
          </button>
        )}
      </div>
      {(open === 'send' || open === 'close') && (
        <ConfirmDialog
          title={t(`cooperation.mla.confirm.${open}Title`, { peer })}
          body={t(`cooperation.mla.confirm.${open}Body`, { peer })}
          confirm={t(`cooperation.mla.actions.${open}`, { peer })}
          pending={t('cooperation.mla.actions.working')}
          // A refusal is shown beside the actions, in the MLA pages' own words, rather than in the dialog.
          action={async () => {
            try {
              return await (open === 'send' ? mlaApi.send(request.id) : mlaApi.step(request.id, 'close'));
            } catch (error) {
              return problemOf(error);
            }
          }}
          onCancel={() => setOpen(null)}
          onDone={(result) => {
            if (typeof result === 'string') {
              setOpen(null);
              setProblem(result);
            } else changed(result, t(`cooperation.mla.done.${open}`, { peer }));
          }}
        />
      )}
      {open === 'refuse' && (
        <StepForm
          title={t('cooperation.mla.refuse.title')}
          intro={t('cooperation.mla.refuse.intro', { peer })}
          submit={t('cooperation.mla.actions.refuse')}
          pending={t('cooperation.mla.actions.working')}
          onCancel={() => setOpen(null)}
          onSubmit={async (data) => {
            const reason = fieldText(data, 'reason');
            if (!reason) throw new MlaProblem('reason_missing', 'reason');
            changed(await mlaApi.refuse(request.id, reason), t('cooperation.mla.done.refuse', { peer }));
          }}
        >
          {(errorFor) => <ReasonField label={t('cooperation.mla.refuse.reason')} errorId={errorFor('reason')} />}
        </StepForm>
      )}
      {open === 'extend' && (
        <StepForm
          title={t('cooperation.mla.extend.title')}
          intro={t('cooperation.mla.extend.intro', { max: MAX_EXTENSION_DAYS })}
          submit={t('cooperation.mla.actions.extend')}
          pending={t('cooperation.mla.actions.working')}
          onCancel={() => setOpen(null)}
          fieldOf={{ mla_already_extended: 'days' }}
          onSubmit={async (data) => {
            const days = Number(fieldText(data, 'days'));
            if (!Number.isInteger(days) || days < 1 || days > MAX_EXTENSION_DAYS)
              throw new MlaProblem('days_range', 'days');
            const reason = fieldText(data, 'reason');
            if (!reason) throw new MlaProblem('reason_missing', 'reason');
            changed(await mlaApi.extend(request.id, days, reason), t('cooperation.mla.done.extend', { count: days }));
          }}
        >
          {(errorFor) => (
            <>
              <TextField
                label={t('cooperation.mla.extend.days')}
                hint={t('cooperation.mla.extend.daysHint', { max: MAX_EXTENSION_DAYS })}
                name="days"
                type="number"
                inputMode="numeric"
                min={1}
                max={MAX_EXTENSION_DAYS}
                required
                errorId={errorFor('days')}
              />
              <ReasonField label={t('cooperation.mla.extend.reason')} errorId={errorFor('reason')} />
            </>
          )}
        </StepForm>
      )}
      {open === 'postpone' && (
        <StepForm
          title={t('cooperation.mla.postpone.title')}
          intro={t('cooperation.mla.postpone.intro')}
          submit={t('cooperation.mla.actions.postpone')}
          pending={t('cooperation.mla.actions.working')}
          onCancel={() => setOpen(null)}
          fieldOf={{ invalid_request: 'until' }}
          onSubmit={async (data) => {
            const until = fieldText(data, 'until');
            if (!until) throw new MlaProblem('date_missing', 'until');
            const due = request.clocks.find((clock) => clock.name === 'execution')?.due;
            if (due && `${until}T23:59:59.999Z` <= due) throw new MlaProblem('date_not_later', 'until');
            const reason = fieldText(data, 'reason');
            if (!reason) throw new MlaProblem('reason_missing', 'reason');
            changed(await mlaApi.postpone(request.id, until, reason), t('cooperation.mla.done.postpone'));
          }}
        >
          {(errorFor) => (
            <>
              <TextField
                label={t('cooperation.mla.postpone.until')}
                hint={t('cooperation.mla.postpone.untilHint')}
                name="until"
                type="date"
                required
                errorId={errorFor('until')}
              />
              <ReasonField label={t('cooperation.mla.postpone.reason')} errorId={errorFor('reason')} />
            </>
          )}
        </StepForm>
      )}
      {open === 'return_evidence' && (
        <ReturnEvidenceForm
          request={request}
          onCancel={() => setOpen(null)}
          onReturned={(updated) => changed(updated, t('cooperation.mla.done.return_evidence', { peer }))}
        />
      )}
    </>
  );
}

function ReasonField({ label, errorId }: { label: string; errorId?: string }) {
  return <TextAreaField label={label} name="reason" required maxLength={2000} errorId={errorId} />;
}
