import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../api.ts';
import { TextField } from '../../components/Field.tsx';
import { fieldText, useForm } from '../../components/useForm.tsx';
import { type Case, casesApi } from './cases-api.ts';
import { Opener } from './Opener.tsx';
import { allowsOnCase } from './vocabulary.ts';

/**
 * The label a case worker gives a case so that rows of the case list can be told apart without naming anyone. The
 * case page does not show the label (it is sealed, and read with the list): setting a new one replaces it.
 */
export function CaseLabelForm({ found, user }: { found: Case; user: SessionUser }) {
  const { t } = useTranslation();
  const ids = useId();
  const [notice, setNotice] = useState<string | null>(null);
  const form = useForm(async (data) => {
    const label = fieldText(data, 'label');
    await casesApi.setLabel(found.id, label);
    setNotice(label ? t('caseLabel.saved') : t('caseLabel.removed'));
  });
  if (!allowsOnCase(user, 'case.update', found)) return null;
  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('caseLabel.title')}</h2>
      <p role="status" className={notice ? 'notice' : undefined}>
        {notice}
      </p>
      <Opener label={t('caseLabel.open')}>
        <form className="form" noValidate aria-labelledby={`${ids}-title`} onSubmit={form.onSubmit}>
          {form.error}
          <TextField
            label={t('caseLabel.label')}
            hint={t('caseLabel.hint')}
            name="label"
            maxLength={60}
            autoComplete="off"
          />
          <button type="submit" className="button" aria-disabled={form.pending}>
            {t('caseLabel.submit')}
          </button>
        </form>
      </Opener>
    </section>
  );
}
