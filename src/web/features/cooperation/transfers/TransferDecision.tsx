import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TextField } from '../../../components/Field.tsx';
import { fieldText } from '../../../components/useForm.tsx';
import { ConfirmDialog } from '../../admin/ConfirmDialog.tsx';
import { casesApi } from '../../cases/cases-api.ts';
import {
  type TransferWithItems,
  transfersApi,
  type VerificationProblem,
  verificationProblemsOf,
} from './transfers-api.ts';
import { TransferProblem, useTransferForm } from './transfers-errors.tsx';

interface TransferDecisionProps {
  transfer: TransferWithItems;
  onChanged(transfer: TransferWithItems, message: string): void;
}

/**
 * A pending inbound transfer: verify it and add its items to a case of this node, or decline it with a reason. A
 * verification that fails says what failed, and the transfer stays pending.
 */
export function TransferDecision({ transfer, onChanged }: TransferDecisionProps) {
  const { t } = useTranslation();
  const ids = useId();
  const [problems, setProblems] = useState<VerificationProblem[] | null>(null);
  const [declining, setDeclining] = useState(false);
  const form = useTransferForm(
    async (data) => {
      setProblems(null);
      const reference = fieldText(data, 'caseReference');
      if (!reference) throw new TransferProblem('case_missing', 'caseReference');
      const { cases } = await casesApi.list({ reference, limit: 20, offset: 0 });
      const match = cases.find((row) => row.reference.toLowerCase() === reference.toLowerCase());
      if (!match) throw new TransferProblem('case_unknown', 'caseReference');
      const accepted = await transfersApi.accept(transfer.id, match.id);
      onChanged(
        accepted,
        t('cooperation.transfers.accept.done', { count: accepted.items.length, reference: match.reference }),
      );
    },
    { forbidden: 'caseReference', not_found: 'caseReference' },
    (error) => setProblems(verificationProblemsOf(error)),
  );

  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('cooperation.transfers.decision.title')}</h2>
      <form className="form" noValidate aria-labelledby={`${ids}-accept`} onSubmit={form.onSubmit}>
        <h3 id={`${ids}-accept`}>{t('cooperation.transfers.accept.title')}</h3>
        <p className="hint">{t('cooperation.transfers.accept.intro')}</p>
        {form.error}
        {problems && <VerificationFailure transfer={transfer} problems={problems} />}
        <TextField
          label={t('cooperation.transfers.accept.case')}
          hint={t('cooperation.transfers.accept.caseHint')}
          name="caseReference"
          required
          autoComplete="off"
          maxLength={40}
          errorId={form.errorFor('caseReference')}
        />
        <div className="actions">
          <button type="submit" className="button" aria-disabled={form.pending}>
            {form.pending ? t('cooperation.transfers.accept.pending') : t('cooperation.transfers.accept.submit')}
          </button>
          <button type="button" className="button danger" onClick={() => setDeclining(true)}>
            {t('cooperation.transfers.decline.button')}
          </button>
        </div>
      </form>
      {declining && (
        <ConfirmDialog
          title={t('cooperation.transfers.decline.title', { peer: transfer.peer })}
          body={t('cooperation.transfers.decline.body', { peer: transfer.peer })}
          confirm={t('cooperation.transfers.decline.confirm')}
          pending={t('cooperation.transfers.decline.pending')}
          reason={{
            label: t('cooperation.transfers.decline.reason'),
            hint: t('cooperation.transfers.decline.reasonHint', { peer: transfer.peer }),
          }}
          action={(reason) => transfersApi.decline(transfer.id, reason)}
          onCancel={() => setDeclining(false)}
          onDone={(declined) => {
            setDeclining(false);
            onChanged(declined, t('cooperation.transfers.decline.done', { peer: transfer.peer }));
          }}
        />
      )}
    </section>
  );
}

/** What the verification found wrong, check by check and item by item, in words the sender can act on. */
function VerificationFailure({ transfer, problems }: { transfer: TransferWithItems; problems: VerificationProblem[] }) {
  const { t } = useTranslation();
  const ids = useId();
  const titleOf = (id: string) => transfer.items.find((item) => item.id === id)?.title ?? id;
  return (
    <div className="notice">
      <p id={`${ids}-title`}>{t('cooperation.transfers.unverified.intro')}</p>
      <ul aria-labelledby={`${ids}-title`}>
        {problems.map((problem, i) => (
          // The node lists each problem once, in the order it checked; the same check may fail for several items.
          // biome-ignore lint/suspicious/noArrayIndexKey: the list is replaced as a whole, never reordered.
          <li key={i}>
            <strong>{t(`cooperation.transfers.unverified.checks.${problem.check}`)}</strong>
            {problem.item && (
              <>
                {' · '}
                {t('cooperation.transfers.unverified.item', { title: titleOf(problem.item) })}
              </>
            )}
            {': '}
            <span lang="en">{problem.message}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
