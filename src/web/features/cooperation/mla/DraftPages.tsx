import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../../api.ts';
import { PageHeading } from '../../../components/PageHeading.tsx';
import { Link, useRouter } from '../../../router.tsx';
import { casesApi } from '../../cases/cases-api.ts';
import { requestPath } from './MlaListPage.tsx';
import type { MlaRequest } from './mla-api.ts';
import { mlaApi } from './mla-api.ts';
import { PurposeForm, personsPurposes } from './PurposeForm.tsx';
import { RequestForm } from './RequestForm.tsx';

/** A new draft; once saved, its page opens, from where it is sent. */
export function NewRequestPage() {
  const { t } = useTranslation();
  const { navigate } = useRouter();
  return (
    <>
      <PageHeading title={t('cooperation.mla.form.newPage')} />
      <p>
        <Link to="/cooperation/mla">{t('cooperation.mla.back')}</Link>
      </p>
      <RequestForm onSaved={(saved) => navigate(requestPath(saved.id))} />
    </>
  );
}

/**
 * Changes a draft. The form shows the persons concerned and the summary of facts, so it opens only once the user has
 * said why they read them.
 */
export function EditRequestPage({ id, user }: { id: string; user: SessionUser }) {
  const { t } = useTranslation();
  const { navigate } = useRouter();
  const [draft, setDraft] = useState<{ request: MlaRequest; caseReference?: string } | null>(null);
  const purposes = personsPurposes(user);
  return (
    <>
      <PageHeading title={t('cooperation.mla.form.editPage')} />
      <p>
        <Link to={requestPath(id)}>{t('cooperation.mla.backToRequest')}</Link>
      </p>
      {draft === null ? (
        <>
          <p>{t('cooperation.mla.form.editPurpose')}</p>
          <PurposeForm
            purposes={purposes}
            label={t('cooperation.mla.persons.formLabel')}
            submit={t('cooperation.mla.form.open')}
            pending={t('app.loading')}
            onPurpose={async (purpose) => {
              const request = await mlaApi.get(id, purpose);
              const caseReference = request.caseId
                ? await casesApi.get(request.caseId).then(
                    (found) => found.reference,
                    () => undefined,
                  )
                : undefined;
              setDraft({ request, caseReference });
            }}
          />
        </>
      ) : draft.request.side !== 'issuing' || draft.request.state !== 'draft' ? (
        <p className="notice">{t('cooperation.mla.form.notDraft')}</p>
      ) : (
        <RequestForm
          draft={draft.request}
          caseReference={draft.caseReference}
          onSaved={(saved) => navigate(requestPath(saved.id))}
        />
      )}
    </>
  );
}
