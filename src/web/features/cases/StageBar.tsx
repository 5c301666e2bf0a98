import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../api.ts';
import { ConfirmDialog } from '../admin/ConfirmDialog.tsx';
import { type Case, casesApi, type Stage, type StageSpan } from './cases-api.ts';
import { ReasonForm } from './ReasonForm.tsx';
import { allowsOnCase, isSelf, STAGES } from './vocabulary.ts';

type Move = { kind: 'move'; to: Stage } | { kind: 'reject' };

interface StageBarProps {
  found: Case;
  spans: StageSpan[] | null;
  user: SessionUser;
  actorName(actor: string): string;
  onChanged(updated: Case): void;
}

/**
 * Where the case stands among all the stages, and the moves the lifecycle allows from there. Every move asks for a
 * reason, which the timeline keeps. Closing is a request that another supervisor approves or rejects.
 */
export function StageBar({ found, spans, user, actorName, onChanged }: StageBarProps) {
  const { t } = useTranslation();
  const ids = useId();
  const notice = useRef<HTMLParagraphElement>(null);
  const [move, setMove] = useState<Move | null>(null);
  const [approving, setApproving] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const opener = useRef<HTMLButtonElement | null>(null);

  useEffect(() => {
    if (done) notice.current?.focus();
  }, [done]);

  const visited = new Set(spans?.map((span) => span.stage) ?? []);
  // A case is reopened only after it was closed: the step shows once it has happened.
  const shown = STAGES.filter((stage) => stage !== 'reopened' || visited.has(stage) || found.stage === stage);
  const canMove = allowsOnCase(user, 'case.transition', found);
  const request = found.closureRequest;
  const canDecide =
    request !== null && allowsOnCase(user, 'case.approve_closure', found) && !isSelf(user, request.requestedBy);
  const moves = found.nextStages.filter((stage) => stage !== 'closed' || request === null);

  const open = (next: Move, button: HTMLButtonElement) => {
    opener.current = button;
    setDone(null);
    setMove(next);
  };
  const close = () => {
    setMove(null);
    opener.current?.focus();
  };
  const finish = (updated: Case, message: string) => {
    setMove(null);
    setApproving(false);
    setDone(message);
    onChanged(updated);
  };

  return (
    <section id="stage" aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('stageBar.title')}</h2>
      <ol className="stage-bar">
        {shown.map((stage) => {
          const current = stage === found.stage;
          const passed = !current && visited.has(stage);
          return (
            <li
              key={stage}
              className={current ? 'current' : passed ? 'passed' : undefined}
              aria-current={current ? 'step' : undefined}
            >
              {t(`stages.${stage}`)}
              {passed && <span className="visually-hidden"> {t('stageBar.passed')}</span>}
            </li>
          );
        })}
      </ol>
      <p ref={notice} role="status" tabIndex={-1} className={done ? 'notice' : undefined}>
        {done}
      </p>
      {request && (
        <div className="notice closure-request">
          <p>{t('stageBar.closureRequested', { name: actorName(request.requestedBy) })}</p>
          <blockquote>{request.reason}</blockquote>
          {canDecide && !move && (
            <div className="actions">
              <button type="button" className="button" onClick={() => setApproving(true)}>
                {t('stageBar.approve')}
              </button>
              <button
                type="button"
                className="button secondary"
                onClick={(event) => open({ kind: 'reject' }, event.currentTarget)}
              >
                {t('stageBar.reject')}
              </button>
            </div>
          )}
        </div>
      )}
      {canMove && moves.length > 0 && !move && (
        <>
          <h3>{t('stageBar.moves')}</h3>
          <div className="actions">
            {moves.map((stage) => (
              <button
                key={stage}
                type="button"
                className="button secondary"
                onClick={(event) => open({ kind: 'move', to: stage }, event.currentTarget)}
              >
                {stage === 'closed'
                  ? t('stageBar.requestClosure')
                  : t('stageBar.moveTo', { stage: t(`stages.${stage}`) })}
              </button>
            ))}
          </div>
        </>
      )}
      {move?.kind === 'move' && (
        <ReasonForm
          title={
            move.to === 'closed'
              ? t('stageBar.requestClosure')
              : t('stageBar.moveTo', { stage: t(`stages.${move.to}`) })
          }
          label={t('stageBar.reason')}
          hint={t('stageBar.reasonHint')}
          submit={move.to === 'closed' ? t('stageBar.sendRequest') : t('stageBar.confirmMove')}
          pending={t('stageBar.saving')}
          onCancel={close}
          onSubmit={async (reason) => {
            const updated = await casesApi.transition(found.id, move.to, reason);
            finish(
              updated,
              move.to === 'closed'
                ? t('stageBar.requested')
                : t('stageBar.moved', { stage: t(`stages.${updated.stage}`) }),
            );
          }}
        />
      )}
      {move?.kind === 'reject' && (
        <ReasonForm
          title={t('stageBar.reject')}
          label={t('stageBar.rejectReason')}
          submit={t('stageBar.reject')}
          pending={t('stageBar.saving')}
          onCancel={close}
          onSubmit={async (reason) =>
            finish(await casesApi.decideClosure(found.id, false, reason), t('stageBar.rejected'))
          }
        />
      )}
      {approving && (
        <ConfirmDialog
          title={t('stageBar.approveTitle')}
          body={t('stageBar.approveBody')}
          confirm={t('stageBar.approve')}
          pending={t('stageBar.saving')}
          action={() => casesApi.decideClosure(found.id, true)}
          onCancel={() => setApproving(false)}
          onDone={(updated) => finish(updated, t('stageBar.closed'))}
        />
      )}
    </section>
  );
}
