import { type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Purpose, SessionUser } from '../../api.ts';
import { SelectField } from '../../components/Field.tsx';
import { FormProblem, fieldText, useForm } from '../../components/useForm.tsx';
import { useListFormat } from '../../i18n/format.ts';
import { ConfirmDialog } from '../admin/ConfirmDialog.tsx';
import { type Case, casesApi, type Identity } from './cases-api.ts';
import { FieldValueText, useFieldLabel } from './FieldValues.tsx';
import { IdentityEditForm } from './IdentityEditForm.tsx';
import { IdentityPhotos } from './IdentityPhotos.tsx';
import { allows, allowsOnCase, IDENTITY_FIELDS, IDENTITY_PURPOSES } from './vocabulary.ts';

interface IdentityPanelProps {
  found: Case;
  user: SessionUser;
  /** After a disclosure: the log and the timeline have a new entry. */
  onRevealed(): void;
  /** After a change or an erasure: the case as it is now. */
  onChanged(updated: Case): void;
}

/**
 * The survivor's identity stays hidden until someone says why they need it. The node records each view, with who
 * and why, in the survivor's disclosure log; the values stay on this page only while it is open, and Hide drops them.
 * Once shown, the identity can be corrected, and a supervisor can erase it when the survivor asks.
 */
export function IdentityPanel({ found, user, onRevealed, onChanged }: IdentityPanelProps) {
  const { t } = useTranslation();
  const ids = useId();
  const label = useFieldLabel();
  const list = useListFormat();
  const notice = useRef<HTMLParagraphElement>(null);
  const purposeRef = useRef<HTMLFormElement>(null);
  const [identity, setIdentity] = useState<Identity | null>(null);
  const [hidden, setHidden] = useState(false);
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState(false);
  const [erasing, setErasing] = useState(false);
  const [erased, setErased] = useState(false);
  const erasedNotice = useRef<HTMLParagraphElement>(null);
  const canEdit = allowsOnCase(user, 'survivor.update_identity', found);
  const canErase = allowsOnCase(user, 'survivor.erase', found);
  const purposes = IDENTITY_PURPOSES.filter((purpose) => allowsOnCase(user, 'survivor.read_identity', found, purpose));
  const form = useForm(async (data) => {
    const purpose = fieldText(data, 'purpose') as Purpose | '';
    if (!purpose) throw new FormProblem('identity_purpose_missing', 'purpose');
    setIdentity(await casesApi.readIdentity(found.id, purpose));
    onRevealed();
  });

  useEffect(() => {
    if (identity) notice.current?.focus();
  }, [identity]);
  useEffect(() => {
    if (hidden) purposeRef.current?.querySelector('select')?.focus();
  }, [hidden]);
  useEffect(() => {
    if (erased) erasedNotice.current?.focus();
  }, [erased]);

  const reload = async () => onChanged(await casesApi.get(found.id));

  const onRecord = IDENTITY_FIELDS.filter((name) => found.survivor.identityFields.includes(name));
  let body: ReactNode;
  if (found.survivor.erased)
    body = (
      <p ref={erasedNotice} tabIndex={-1} className={erased ? 'notice' : undefined}>
        {t('identity.erased')}
      </p>
    );
  else if (onRecord.length === 0) body = <p>{t('identity.none')}</p>;
  else if (identity) {
    const shown = IDENTITY_FIELDS.filter((name) => identity.fields[name] !== undefined);
    body = (
      <>
        <p ref={notice} tabIndex={-1} className="notice">
          {saved ? t('identity.saved') : t('identity.logged', { purpose: t(`purposes.${identity.purpose}`) })}
        </p>
        {editing ? (
          <IdentityEditForm
            caseId={found.id}
            names={shown}
            identity={identity}
            onSaved={(fields) => {
              setIdentity({ ...identity, fields });
              setEditing(false);
              setSaved(true);
              void reload().catch(() => onRevealed());
            }}
            onCancel={() => setEditing(false)}
          />
        ) : (
          <>
            <dl className="facts">
              {shown.map((name) => (
                <div key={name}>
                  <dt>{label(name)}</dt>
                  <dd>
                    <FieldValueText name={name} value={identity.fields[name]} />
                  </dd>
                </div>
              ))}
            </dl>
            <div className="actions">
              {canEdit && (
                <button
                  type="button"
                  className="button secondary"
                  onClick={() => {
                    setSaved(false);
                    setEditing(true);
                  }}
                >
                  {t('identity.edit')}
                </button>
              )}
              <button
                type="button"
                className="button secondary"
                onClick={() => {
                  setIdentity(null);
                  setSaved(false);
                  setHidden(true);
                }}
              >
                {t('identity.hide')}
              </button>
              {canErase && (
                <button type="button" className="button danger" onClick={() => setErasing(true)}>
                  {t('identity.erase')}
                </button>
              )}
            </div>
          </>
        )}
        {allows(user, 'survivor.read_identity', found.agencyId, identity.purpose) ? (
          <IdentityPhotos caseId={found.id} purpose={identity.purpose} canEdit={canEdit} onLogged={onRevealed} />
        ) : (
          // A receiving agency: no referral shares photos, so the page does not ask for them.
          <p>{t('photos.notShared')}</p>
        )}
        {erasing && (
          <ConfirmDialog
            title={t('identity.eraseTitle')}
            body={t('identity.eraseBody')}
            reason={{ label: t('identity.eraseReason'), hint: t('identity.eraseReasonHint') }}
            confirm={t('identity.eraseConfirm')}
            pending={t('identity.erasing')}
            action={async (reason) => {
              await casesApi.eraseIdentity(found.id, reason);
              return casesApi.get(found.id);
            }}
            onCancel={() => setErasing(false)}
            onDone={(updated) => {
              setErasing(false);
              setIdentity(null);
              setErased(true);
              onChanged(updated);
            }}
          />
        )}
      </>
    );
  } else if (purposes.length === 0) {
    body = <p>{t('identity.notAllowed')}</p>;
  } else {
    body = (
      <>
        <p>{t('identity.onRecord', { fields: list(onRecord.map(label)) })}</p>
        <form
          ref={purposeRef}
          className="form"
          noValidate
          aria-label={t('identity.formLabel')}
          onSubmit={(event) => {
            setHidden(false);
            void form.onSubmit(event);
          }}
        >
          {form.error}
          <SelectField
            label={t('identity.purpose')}
            hint={t('identity.purposeHint')}
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
            {form.pending ? t('identity.revealing') : t('identity.reveal')}
          </button>
        </form>
      </>
    );
  }

  return (
    <section id="identity" aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('identity.title')}</h2>
      {body}
    </section>
  );
}
