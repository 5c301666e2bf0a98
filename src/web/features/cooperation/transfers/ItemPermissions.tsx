import { useCallback, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ChoiceField, TextAreaField } from '../../../components/Field.tsx';
import { fieldText } from '../../../components/useForm.tsx';
import { Loaded, useResource } from '../../../components/useResource.tsx';
import { StepForm } from './StepForm.tsx';
import {
  type PermissionPurpose,
  type PermissionRequest,
  permissionPurposes,
  type TransferItem,
  type TransferWithItems,
  transfersApi,
} from './transfers-api.ts';
import { TransferProblem } from './transfers-errors.tsx';

/**
 * The received items whose handling code binds this node (H1: not for court; H2: neither for court nor sent on),
 * each with the permissions already asked of the provider and a way to ask for one.
 */
export function ItemPermissions({
  transfer,
  onAsked,
}: {
  transfer: TransferWithItems;
  onAsked(message: string): void;
}) {
  const { t } = useTranslation();
  const ids = useId();
  const bound = transfer.items.filter((item) => item.acceptedAs && permissionPurposes(item.handlingCode).length > 0);
  const asked = useResource(useCallback(() => transfersApi.permissions({ direction: 'out' }), []));
  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('cooperation.transfers.ask.title')}</h2>
      {bound.length === 0 ? (
        <p>{t('cooperation.transfers.ask.none')}</p>
      ) : (
        <>
          <p>{t('cooperation.transfers.ask.intro', { peer: transfer.peer })}</p>
          <Loaded resource={asked}>
            {(requests) => (
              <ul className="plain">
                {bound.map((item) => (
                  <ItemPermission
                    key={item.id}
                    item={item}
                    peer={transfer.peer}
                    requests={requests.filter((request) => request.itemId === item.acceptedAs)}
                    onAsked={(request) => {
                      asked.set([request, ...requests]);
                      onAsked(t('cooperation.transfers.ask.done', { peer: transfer.peer, title: item.title }));
                    }}
                  />
                ))}
              </ul>
            )}
          </Loaded>
        </>
      )}
    </section>
  );
}

interface ItemPermissionProps {
  item: TransferItem;
  peer: string;
  requests: PermissionRequest[];
  onAsked(request: PermissionRequest): void;
}

function ItemPermission({ item, peer, requests, onAsked }: ItemPermissionProps) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const purposes = permissionPurposes(item.handlingCode);
  return (
    <li className="subsection">
      <p>
        <strong>
          <bdi>{item.title}</bdi>
        </strong>{' '}
        · {t('evidence.codeLabel', { code: item.handlingCode, meaning: t(`evidence.handling.${item.handlingCode}`) })}
      </p>
      {requests.length > 0 && (
        <ul>
          {requests.map((request) => (
            <li key={request.id}>
              {t('cooperation.transfers.ask.asked', {
                purpose: t(`cooperation.transfers.permissionPurposes.${request.purpose}`),
                status: t(`cooperation.transfers.permissions.statuses.${request.status}`),
              })}
              {request.decisionReason && <blockquote>{request.decisionReason}</blockquote>}
            </li>
          ))}
        </ul>
      )}
      {asking ? (
        <StepForm
          title={t('cooperation.transfers.ask.formTitle', { peer, title: item.title })}
          submit={t('cooperation.transfers.ask.submit')}
          pending={t('cooperation.transfers.working')}
          onCancel={() => setAsking(false)}
          onSubmit={async (data) => {
            const purpose = fieldText(data, 'purpose') as PermissionPurpose | '';
            if (!purpose) throw new TransferProblem('permission_purpose_missing', 'purpose');
            const reason = fieldText(data, 'reason');
            if (!reason) throw new TransferProblem('reason_missing', 'reason');
            const request = await transfersApi.askPermission(item.acceptedAs ?? '', purpose, reason);
            setAsking(false);
            onAsked(request);
          }}
          fieldOf={{ permission_not_needed: 'purpose' }}
        >
          {(errorFor) => (
            <>
              <ChoiceField
                label={t('cooperation.transfers.ask.purpose')}
                name="purpose"
                type="radio"
                required
                defaultValues={purposes.length === 1 ? purposes : []}
                errorId={errorFor('purpose')}
                options={purposes.map((purpose) => ({
                  value: purpose,
                  label: t(`cooperation.transfers.permissionPurposes.${purpose}`),
                }))}
              />
              <TextAreaField
                label={t('cooperation.transfers.ask.reason')}
                hint={t('cooperation.transfers.ask.reasonHint', { peer })}
                name="reason"
                required
                maxLength={2000}
                errorId={errorFor('reason')}
              />
            </>
          )}
        </StepForm>
      ) : (
        <button
          type="button"
          className="button secondary"
          aria-label={t('cooperation.transfers.ask.buttonFor', { title: item.title })}
          onClick={() => setAsking(true)}
        >
          {t('cooperation.transfers.ask.button')}
        </button>
      )}
    </li>
  );
}
