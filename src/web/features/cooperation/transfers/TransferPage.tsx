import { useCallback, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Purpose, SessionUser } from '../../../api.ts';
import { SelectField } from '../../../components/Field.tsx';
import { PageHeading } from '../../../components/PageHeading.tsx';
import { fieldText } from '../../../components/useForm.tsx';
import { Loaded, useResource } from '../../../components/useResource.tsx';
import { Link } from '../../../router.tsx';
import { allows } from '../../cases/vocabulary.ts';
import { NotFoundPage } from '../../shell/pages.tsx';
import { ItemPermissions } from './ItemPermissions.tsx';
import { TransferDecision } from './TransferDecision.tsx';
import { TransferFacts } from './TransferFacts.tsx';
import { TransferItems } from './TransferItems.tsx';
import { READ_PURPOSES, type Transfer, type TransferWithItems, transfersApi } from './transfers-api.ts';
import { TransferProblem, useTransferForm } from './transfers-errors.tsx';

/**
 * One transfer: who it is with and where it stands; its items once the user says why they read them (the node
 * records the read), and the decisions open to this node: accept or decline a pending inbound transfer, and ask the
 * provider for permission to use received items beyond their handling code.
 */
export function TransferPage({ id, user }: { id: string; user: SessionUser }) {
  // The list holds what may be seen without a purpose; the items are asked for with one.
  // It is asked for again every few seconds, so a decision made on the other node shows without a button.
  const listed = useResource(
    useCallback(async () => (await transfersApi.list()).find((transfer) => transfer.id === id) ?? null, [id]),
    { live: true },
  );
  return (
    <Loaded resource={listed}>
      {(found) => (found ? <TransferView summary={found} user={user} /> : <NotFoundPage />)}
    </Loaded>
  );
}

function TransferView({ summary, user }: { summary: Transfer; user: SessionUser }) {
  const { t } = useTranslation();
  const ids = useId();
  const [read, setRead] = useState<{ purpose: Purpose; transfer: TransferWithItems } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const status = useRef<HTMLParagraphElement>(null);
  const shown = useRef<HTMLParagraphElement>(null);
  const transfer: Transfer = read?.transfer ?? summary;
  const canDecide = allows(user, 'evidence.transfer', null);
  const purposes = READ_PURPOSES.filter((purpose) => allows(user, 'evidence.transfer_read', null, purpose));

  // The outcome takes the focus from the button or form that is gone now.
  useEffect(() => {
    if (done) status.current?.focus();
  }, [done]);
  // The purpose form is gone once the items show: the line that says for what purpose takes the focus.
  useEffect(() => {
    if (read?.purpose) shown.current?.focus();
  }, [read?.purpose]);

  const changed = (updated: TransferWithItems, message: string) => {
    setRead((current) => (current ? { ...current, transfer: updated } : current));
    setDone(message);
  };

  return (
    <>
      <PageHeading
        title={t(`cooperation.transfers.titles.${transfer.direction}`, { peer: transfer.peerName ?? transfer.peer })}
      />
      <p>
        <Link to="/cooperation/transfers">{t('cooperation.transfers.back')}</Link>
      </p>
      <p ref={status} role="status" tabIndex={-1} className={done ? 'notice' : undefined}>
        {done}
      </p>
      <TransferFacts transfer={transfer} />
      <section aria-labelledby={`${ids}-items`} className="section">
        <h2 id={`${ids}-items`}>{t('cooperation.transfers.items.title')}</h2>
        {read ? (
          <>
            <p ref={shown} className="hint" tabIndex={-1}>
              {t('cooperation.transfers.purpose.shown', { purpose: t(`purposes.${read.purpose}`) })}
            </p>
            <TransferItems transfer={read.transfer} />
          </>
        ) : purposes.length === 0 ? (
          <p>{t('cooperation.transfers.purpose.notForYou')}</p>
        ) : (
          <PurposeForm
            purposes={purposes}
            onPurpose={async (purpose) => setRead({ purpose, transfer: await transfersApi.get(transfer.id, purpose) })}
          />
        )}
      </section>
      {read && canDecide && read.transfer.direction === 'in' && read.transfer.status === 'pending' && (
        <TransferDecision transfer={read.transfer} onChanged={changed} />
      )}
      {read && read.transfer.direction === 'in' && read.transfer.status === 'accepted' && (
        <ItemPermissions transfer={read.transfer} onAsked={setDone} />
      )}
    </>
  );
}

/** Asks why the user reads the items, as the case's identity panel asks before showing an identity. */
function PurposeForm({ purposes, onPurpose }: { purposes: readonly Purpose[]; onPurpose(p: Purpose): Promise<void> }) {
  const { t } = useTranslation();
  const form = useTransferForm(async (data) => {
    const purpose = fieldText(data, 'purpose') as Purpose | '';
    if (!purpose) throw new TransferProblem('purpose_missing', 'purpose');
    await onPurpose(purpose);
  });
  return (
    <form className="form" noValidate aria-label={t('cooperation.transfers.purpose.form')} onSubmit={form.onSubmit}>
      {form.error}
      <SelectField
        label={t('cooperation.transfers.purpose.label')}
        hint={t('cooperation.transfers.purpose.hint')}
        name="purpose"
        required
        defaultValue=""
        errorId={form.errorFor('purpose')}
      >
        <option value="">{t('admin.choose')}</option>
        {purposes.map((purpose) => (
          <option key={purpose} value={purpose}>
            {t(`purposes.${purpose}`)}
          </option>
        ))}
      </SelectField>
      <button type="submit" className="button" aria-disabled={form.pending}>
        {form.pending ? t('cooperation.transfers.purpose.pending') : t('cooperation.transfers.purpose.submit')}
      </button>
    </form>
  );
}
