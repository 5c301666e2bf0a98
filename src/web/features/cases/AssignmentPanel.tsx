import { useCallback, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../api.ts';
import { SelectField } from '../../components/Field.tsx';
import { FormProblem, fieldText, useForm } from '../../components/useForm.tsx';
import { Loaded, useResource } from '../../components/useResource.tsx';
import { isolate } from '../../i18n/i18n.ts';
import { type Assignee, type Case, casesApi } from './cases-api.ts';
import { Opener } from './Opener.tsx';
import { allowsOnCase } from './vocabulary.ts';

/**
 * The case's assigned worker, whom grants narrowed to own cases or a team follow, and, for a supervisor of its agency,
 * the form that gives the case to someone else.
 */
export function AssignmentPanel({
  found,
  user,
  onChanged,
}: {
  found: Case;
  user: SessionUser;
  onChanged(found: Case): void;
}) {
  const { t } = useTranslation();
  if (!allowsOnCase(user, 'case.assign', found)) {
    return found.ownerId === user.id ? <p>{t('case.assignment.yours')}</p> : null;
  }
  return <AssignmentForm found={found} onChanged={onChanged} key={found.ownerId ?? ''} />;
}

/**
 * The case worker is shown in the case's summary; the list of people to give the case to loads only when the supervisor
 * opens the form.
 */
function AssignmentForm({ found, onChanged }: { found: Case; onChanged(found: Case): void }) {
  const { t } = useTranslation();
  const ids = useId();
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('case.assignment.title')}</h2>
      <p role="status" className={notice ? 'notice' : undefined}>
        {notice}
      </p>
      <Opener label={t('case.assignment.open')}>
        <AssigneeChoice
          found={found}
          onAssigned={(name, changed) => {
            setNotice(t('case.assignment.done', { name: isolate(name) }));
            onChanged(changed);
          }}
        />
      </Opener>
    </section>
  );
}

function AssigneeChoice({ found, onAssigned }: { found: Case; onAssigned(name: string, found: Case): void }) {
  const { t } = useTranslation();
  const assignees = useResource(useCallback(() => casesApi.assignees(found.id), [found.id]));
  const form = useForm(async (data) => {
    const userId = fieldText(data, 'assignee');
    if (!userId) throw new FormProblem('missing_fields', 'assignee');
    const changed = await casesApi.assign(found.id, userId);
    onAssigned(assignees.data?.find((a: Assignee) => a.id === userId)?.displayName ?? userId, changed);
  });
  return (
    <Loaded resource={assignees}>
      {(list) => {
        const current = list.find((a) => a.id === found.ownerId);
        return (
          <>
            <p>
              {current
                ? t('case.assignment.current', { name: isolate(current.displayName) })
                : t('case.assignment.none')}
            </p>
            <form className="form" noValidate onSubmit={form.onSubmit}>
              {form.error}
              <SelectField
                label={t('case.assignment.label')}
                name="assignee"
                required
                defaultValue={found.ownerId ?? ''}
                errorId={form.errorFor('assignee')}
              >
                <option value="">{t('admin.choose')}</option>
                {list.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.displayName}
                  </option>
                ))}
              </SelectField>
              <button type="submit" className="button" aria-disabled={form.pending}>
                {form.pending ? t('case.assignment.saving') : t('case.assignment.submit')}
              </button>
            </form>
          </>
        );
      }}
    </Loaded>
  );
}
