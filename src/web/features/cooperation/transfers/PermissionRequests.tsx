import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChoiceField, TextAreaField } from '../../../components/Field.tsx';
import { ScrollingTable } from '../../../components/ScrollingTable.tsx';
import { fieldText } from '../../../components/useForm.tsx';
import { Loaded, useResource } from '../../../components/useResource.tsx';
import { DATE_TIME, useDateFormat } from '../../../i18n/format.ts';
import { StepForm } from './StepForm.tsx';
import { type PermissionRequest, transfersApi } from './transfers-api.ts';
import { TransferProblem } from './transfers-errors.tsx';

/**
 * Permissions about received items: those peers asked of this node about items it provided, to grant or refuse, and
 * those this node asked of providers, with their answers.
 */
export function PermissionRequests() {
  const { t } = useTranslation();
  const ids = useId();
  const requests = useResource(useCallback(() => transfersApi.permissions(), []));
  const [deciding, setDeciding] = useState<PermissionRequest | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const status = useRef<HTMLParagraphElement>(null);

  useEffect(() => {
    if (done) status.current?.focus();
  }, [done]);

  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('cooperation.transfers.permissions.title')}</h2>
      <p>{t('cooperation.transfers.permissions.intro')}</p>
      <p ref={status} role="status" tabIndex={-1} className={done ? 'notice' : undefined}>
        {done}
      </p>
      <Loaded resource={requests}>
        {(rows) => {
          const incoming = rows.filter((row) => row.direction === 'in');
          const outgoing = rows.filter((row) => row.direction === 'out');
          return (
            <>
              <h3>{t('cooperation.transfers.permissions.incoming')}</h3>
              {incoming.length === 0 ? (
                <p>{t('cooperation.transfers.permissions.noneIn')}</p>
              ) : (
                <RequestTable
                  rows={incoming}
                  caption={t('cooperation.transfers.permissions.captionIn', { count: incoming.length })}
                  onDecide={(row) => {
                    setDone(null);
                    setDeciding(row);
                  }}
                />
              )}
              {deciding && (
                <DecisionForm
                  request={deciding}
                  onCancel={() => setDeciding(null)}
                  onDecided={(decided) => {
                    setDeciding(null);
                    requests.set(rows.map((row) => (row.id === decided.id ? decided : row)));
                    setDone(t('cooperation.transfers.permissions.done', { peer: decided.peer }));
                  }}
                />
              )}
              <h3>{t('cooperation.transfers.permissions.outgoing')}</h3>
              {outgoing.length === 0 ? (
                <p>{t('cooperation.transfers.permissions.noneOut')}</p>
              ) : (
                <RequestTable
                  rows={outgoing}
                  caption={t('cooperation.transfers.permissions.captionOut', { count: outgoing.length })}
                />
              )}
            </>
          );
        }}
      </Loaded>
    </section>
  );
}

interface RequestTableProps {
  rows: PermissionRequest[];
  caption: string;
  /** For requests asked of this node: opens the answer to a pending one. */
  onDecide?(request: PermissionRequest): void;
}

function RequestTable({ rows, caption, onDecide }: RequestTableProps) {
  const { t } = useTranslation();
  const formatTime = useDateFormat(DATE_TIME);
  return (
    <ScrollingTable caption={caption}>
      <thead>
        <tr>
          <th scope="col">{t('cooperation.transfers.permissions.item')}</th>
          <th scope="col">{t('cooperation.transfers.permissions.peer')}</th>
          <th scope="col">{t('cooperation.transfers.permissions.purpose')}</th>
          <th scope="col">{t('cooperation.transfers.permissions.reason')}</th>
          <th scope="col">{t('cooperation.transfers.permissions.status')}</th>
          <th scope="col">{t('cooperation.transfers.permissions.requested')}</th>
          {onDecide && <th scope="col">{t('cooperation.transfers.permissions.actions')}</th>}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id}>
            <th scope="row" className="identifier">
              {row.itemId}
            </th>
            <td className="identifier node-id">{row.peer}</td>
            <td>{t(`cooperation.transfers.permissionPurposes.${row.purpose}`)}</td>
            <td>{row.reason}</td>
            <td>
              {t(`cooperation.transfers.permissions.statuses.${row.status}`)}
              {row.decidedAt && (
                <>
                  {' · '}
                  <time dateTime={row.decidedAt}>{formatTime(row.decidedAt)}</time>
                </>
              )}
              {row.decisionReason && <blockquote>{row.decisionReason}</blockquote>}
            </td>
            <td>
              <time dateTime={row.requestedAt}>{formatTime(row.requestedAt)}</time>
            </td>
            {onDecide && (
              <td>
                {row.status === 'pending' && (
                  <button
                    type="button"
                    className="button secondary"
                    aria-label={t('cooperation.transfers.permissions.decideFor', { peer: row.peer, item: row.itemId })}
                    onClick={() => onDecide(row)}
                  >
                    {t('cooperation.transfers.permissions.decide')}
                  </button>
                )}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </ScrollingTable>
  );
}

interface DecisionFormProps {
  request: PermissionRequest;
  onCancel(): void;
  onDecided(request: PermissionRequest): void;
}

/** Grants or refuses a peer's request about an item this node provided; the answer and its reason go back to it. */
function DecisionForm({ request, onCancel, onDecided }: DecisionFormProps) {
  const { t } = useTranslation();
  return (
    <StepForm
      title={t('cooperation.transfers.permissions.decideTitle', { peer: request.peer })}
      intro={t('cooperation.transfers.permissions.decideIntro', {
        peer: request.peer,
        purpose: t(`cooperation.transfers.permissionPurposes.${request.purpose}`),
      })}
      submit={t('cooperation.transfers.permissions.submit')}
      pending={t('cooperation.transfers.working')}
      onCancel={onCancel}
      onSubmit={async (data) => {
        const answer = fieldText(data, 'answer');
        if (answer !== 'grant' && answer !== 'refuse') throw new TransferProblem('answer_missing', 'answer');
        const reason = fieldText(data, 'reason');
        if (!reason) throw new TransferProblem('reason_missing', 'reason');
        onDecided(await transfersApi.decide(request.id, answer === 'grant', reason));
      }}
    >
      {(errorFor) => (
        <>
          <ChoiceField
            label={t('cooperation.transfers.permissions.answer')}
            name="answer"
            type="radio"
            required
            errorId={errorFor('answer')}
            options={[
              { value: 'grant', label: t('cooperation.transfers.permissions.grant') },
              { value: 'refuse', label: t('cooperation.transfers.permissions.refuse') },
            ]}
          />
          <TextAreaField
            label={t('cooperation.transfers.permissions.decisionReason')}
            hint={t('cooperation.transfers.permissions.decisionReasonHint', { peer: request.peer })}
            name="reason"
            required
            maxLength={2000}
            errorId={errorFor('reason')}
          />
        </>
      )}
    </StepForm>
  );
}
