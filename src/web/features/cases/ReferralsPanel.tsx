import { useCallback, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SHARING_PURPOSES, type SharingPurpose } from '../../../shared/consent.ts';
import type { Agency, SessionUser } from '../../api.ts';
import { ChoiceField, SelectField, TextAreaField } from '../../components/Field.tsx';
import { FormProblem, fieldText, useForm } from '../../components/useForm.tsx';
import { Loaded, useResource } from '../../components/useResource.tsx';
import { careApi } from './care-api.ts';
import { asFormProblem, type Case } from './cases-api.ts';
import { useFieldLabel } from './FieldValues.tsx';
import { Opener } from './Opener.tsx';
import { ReferralTable, useReferralActions } from './ReferralTable.tsx';
import {
  allows,
  allowsOnCase,
  DEFAULT_SHARED_FIELDS,
  IDENTITY_FIELDS,
  SERVICE_TYPES,
  useServiceTypeLabel,
} from './vocabulary.ts';

interface ReferralsPanelProps {
  found: Case;
  user: SessionUser;
  agencies: Agency[];
  revision: number;
  actorName(actor: string): string;
  onChanged(): void;
}

/**
 * Referrals of the case to other agencies of this node. The survivor's consent to sharing within the country must
 * cover the receiving agency; it then reads the case and only the identity details the referral shares.
 */
export function ReferralsPanel({ found, user, agencies, revision, actorName, onChanged }: ReferralsPanelProps) {
  const { t } = useTranslation();
  const ids = useId();
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new revision of the case may mean a changed referral.
  const referrals = useResource(useCallback(() => careApi.caseReferrals(found.id), [found.id, revision]));
  const actions = useReferralActions(onChanged);
  const canOffer = allowsOnCase(user, 'referral.offer', found);
  const agencyName = (id: string) => agencies.find((agency) => agency.id === id)?.name ?? id;
  return (
    <section id="referrals" aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('referrals.title')}</h2>
      <p>{t('referrals.intro')}</p>
      <p role="status" className={actions.done ? 'notice' : undefined}>
        {actions.done}
      </p>
      {actions.failure}
      <Loaded resource={referrals}>
        {(rows) =>
          rows.length === 0 ? (
            <p>{t('referrals.none')}</p>
          ) : (
            <ReferralTable
              referrals={rows}
              caption={t('referrals.caption', { count: rows.length })}
              agencyName={agencyName}
              actorName={actorName}
              actions={(referral) => (
                <div className="actions compact">
                  {allows(user, 'referral.respond', referral.toAgencyId) && referral.status === 'offered' && (
                    <>
                      <button
                        type="button"
                        className="button small"
                        aria-disabled={actions.accepting === referral.id}
                        onClick={() => void actions.accept(referral)}
                      >
                        {t('referrals.accept')}
                      </button>
                      <button
                        type="button"
                        className="button secondary small"
                        onClick={() => actions.ask({ kind: 'decline', referral })}
                      >
                        {t('referrals.decline')}
                      </button>
                    </>
                  )}
                  {canOffer && (referral.status === 'offered' || referral.status === 'accepted') && (
                    <button
                      type="button"
                      className="button secondary small"
                      onClick={() => actions.ask({ kind: 'revoke', referral })}
                    >
                      {t('referrals.revoke')}
                      <span className="visually-hidden"> {agencyName(referral.toAgencyId)}</span>
                    </button>
                  )}
                </div>
              )}
            />
          )
        }
      </Loaded>
      {actions.reasonForm}
      {canOffer && (
        <Opener label={t('referrals.openForm')}>
          <ReferralForm
            found={found}
            agencies={agencies.filter((agency) => agency.id !== found.agencyId)}
            onOffered={onChanged}
          />
        </Opener>
      )}
    </section>
  );
}

const CONTROLS = ['toAgencyId', 'purpose', 'services', 'sharedFields', 'reason'] as const;

function ReferralForm({ found, agencies, onOffered }: { found: Case; agencies: Agency[]; onOffered(): void }) {
  const { t } = useTranslation();
  const ids = useId();
  const typeLabel = useServiceTypeLabel();
  const fieldLabel = useFieldLabel();
  const [saved, setSaved] = useState<string | null>(null);
  const onRecord = IDENTITY_FIELDS.filter((name) => found.survivor.identityFields.includes(name));
  const form = useForm(
    async (data, element) => {
      setSaved(null);
      const toAgencyId = fieldText(data, 'toAgencyId');
      const services = data.getAll('services').map(String);
      const reason = fieldText(data, 'reason');
      const purpose = fieldText(data, 'purpose') as SharingPurpose;
      if (!toAgencyId) throw new FormProblem('missing_fields', 'toAgencyId');
      if (services.length === 0) throw new FormProblem('missing_fields', 'services');
      if (!reason) throw new FormProblem('reason_missing', 'reason');
      try {
        await careApi.refer(found.id, {
          toAgencyId,
          services,
          reason,
          purpose,
          sharedFields: data.getAll('sharedFields').map(String),
        });
      } catch (error) {
        throw asFormProblem(error, CONTROLS);
      }
      setSaved(t('referrals.sent', { agency: agencies.find((a) => a.id === toAgencyId)?.name ?? toAgencyId }));
      element.reset();
      onOffered();
    },
    { consent_required: 'toAgencyId', consent_purpose_not_covered: 'purpose', referral_exists: 'toAgencyId' },
  );
  return (
    <form className="form subsection" noValidate aria-labelledby={`${ids}-title`} onSubmit={form.onSubmit}>
      <h3 id={`${ids}-title`}>{t('referrals.formTitle')}</h3>
      <p className="hint">{t('referrals.formIntro')}</p>
      <p role="status" className={saved ? 'notice' : undefined}>
        {saved}
      </p>
      {form.error}
      <SelectField
        label={t('referrals.to')}
        name="toAgencyId"
        required
        defaultValue=""
        errorId={form.errorFor('toAgencyId')}
      >
        <option value="">{t('admin.choose')}</option>
        {agencies.map((agency) => (
          <option key={agency.id} value={agency.id}>
            {agency.name}
          </option>
        ))}
      </SelectField>
      <SelectField
        label={t('sharing.referralPurpose')}
        name="purpose"
        defaultValue="services"
        errorId={form.errorFor('purpose')}
      >
        {SHARING_PURPOSES.map((use) => (
          <option key={use} value={use}>
            {t(`cooperation.referrals.purposes.${use}`)}
          </option>
        ))}
      </SelectField>
      <ChoiceField
        label={t('referrals.services')}
        name="services"
        type="checkbox"
        columns
        errorId={form.errorFor('services')}
        options={SERVICE_TYPES.map((type) => ({ value: type, label: typeLabel(type) }))}
      />
      {onRecord.length > 0 && (
        <ChoiceField
          label={t('referrals.shared')}
          hint={t('referrals.sharedHint')}
          name="sharedFields"
          type="checkbox"
          columns
          errorId={form.errorFor('sharedFields')}
          defaultValues={DEFAULT_SHARED_FIELDS}
          options={onRecord.map((name) => ({ value: name, label: fieldLabel(name) }))}
        />
      )}
      <TextAreaField
        label={t('referrals.reason')}
        name="reason"
        required
        maxLength={2000}
        errorId={form.errorFor('reason')}
      />
      <button type="submit" className="button" aria-disabled={form.pending}>
        {form.pending ? t('stageBar.saving') : t('referrals.submit')}
      </button>
    </form>
  );
}
