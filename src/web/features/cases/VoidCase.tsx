import { useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../api.ts';
import { TextField } from '../../components/Field.tsx';
import { FormProblem, fieldText, useForm } from '../../components/useForm.tsx';
import { useRouter } from '../../router.tsx';
import { type Case, casesApi } from './cases-api.ts';
import { Opener } from './Opener.tsx';
import { allowsOnCase } from './vocabulary.ts';

/**
 * For a supervisor of the case's agency: void a case created in error. It leaves the lists, search and statistics;
 * the audit trail and the case's own history keep it. Asks for the reason, prefilled with "Created in error".
 */
export function VoidCase({ found, user }: { found: Case; user: SessionUser }) {
  const { t } = useTranslation();
  const ids = useId();
  const { navigate } = useRouter();
  const client = useQueryClient();
  const form = useForm(async (data) => {
    const reason = fieldText(data, 'reason');
    if (!reason) throw new FormProblem('reason_missing', 'reason');
    await casesApi.void(found.id, reason);
    await client.invalidateQueries({ queryKey: ['cases'] });
    navigate('/cases');
  });
  if (!allowsOnCase(user, 'case.void', found)) return null;
  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('voidCase.title')}</h2>
      <Opener label={t('voidCase.open')}>
        <form className="form" noValidate aria-labelledby={`${ids}-title`} onSubmit={form.onSubmit}>
          <p>{t('voidCase.explain')}</p>
          {form.error}
          <TextField
            label={t('voidCase.reason')}
            name="reason"
            maxLength={2000}
            defaultValue={t('voidCase.defaultReason')}
            errorId={form.errorFor('reason')}
          />
          <button type="submit" className="button danger" aria-disabled={form.pending}>
            {t('voidCase.submit')}
          </button>
        </form>
      </Opener>
    </section>
  );
}
