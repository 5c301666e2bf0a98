import { useCallback, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type SessionUser } from '../../../api.ts';
import { SelectField } from '../../../components/Field.tsx';
import { fieldText } from '../../../components/useForm.tsx';
import { Loaded, useResource } from '../../../components/useResource.tsx';
import { Link } from '../../../router.tsx';
import { ConfirmDialog } from '../../admin/ConfirmDialog.tsx';
import { agenciesWhere, allows } from '../../cases/vocabulary.ts';
import { type CrossBorderReferral, xbApi } from './referrals-api.ts';
import { ReferralProblem, useReferralForm } from './referrals-errors.tsx';

interface ReferralActionsProps {
  referral: CrossBorderReferral;
  user: SessionUser;
  onChanged(referral: CrossBorderReferral, message: string): void;
}

/**
 * What this node may do with the referral now: take a pending one it received into one of its agencies or decline
 * it; withdraw one it sent while it is open (a completed transfer is the receiver's case now). Accepted, a received
 * referral leads to the case it became.
 */
export function ReferralActions({ referral, user, onChanged }: ReferralActionsProps) {
  const { t } = useTranslation();
  const ids = useId();
  const [confirming, setConfirming] = useState<'decline' | 'revoke' | null>(null);
  const responders = agenciesWhere(user, 'referral.respond');
  const canRespond = responders === null || responders.length > 0;
  const incoming = referral.direction === 'in';
  const canDecide = incoming && referral.status === 'offered' && canRespond;
  const canRevoke =
    !incoming &&
    allows(user, 'referral.offer', referral.agencyId) &&
    (referral.status === 'offered' || (referral.status === 'accepted' && referral.kind === 'referral'));
  const linked = incoming && referral.status === 'accepted' && referral.caseId;
  if (!canDecide && !canRevoke && !linked) return null;

  const peer = referral.peer;
  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('cooperation.referrals.actions.title')}</h2>
      {linked && (
        <p>
          <Link to={`/cases/${encodeURIComponent(linked)}`}>
            {t('cooperation.referrals.actions.openLinked', { reference: referral.caseReference ?? linked })}
          </Link>
        </p>
      )}
      {canDecide && (
        <AcceptForm
          referral={referral}
          responders={responders}
          onAccepted={(accepted) =>
            onChanged(accepted, t('cooperation.referrals.accept.done', { reference: accepted.caseReference ?? '' }))
          }
          onDecline={() => setConfirming('decline')}
        />
      )}
      {canRevoke && (
        <div className="actions">
          <button type="button" className="button danger" onClick={() => setConfirming('revoke')}>
            {t('cooperation.referrals.revoke.button')}
          </button>
        </div>
      )}
      {confirming && (
        <ConfirmDialog
          title={t(`cooperation.referrals.${confirming}.title`, { peer })}
          body={t(`cooperation.referrals.${confirming}.body`, { peer })}
          confirm={t(`cooperation.referrals.${confirming}.confirm`)}
          pending={t('cooperation.referrals.pending')}
          reason={{
            label: t(`cooperation.referrals.${confirming}.reason`),
            hint: t(`cooperation.referrals.${confirming}.reasonHint`, { peer }),
          }}
          action={(reason) =>
            confirming === 'decline' ? xbApi.decline(referral.id, reason) : xbApi.revoke(referral.id, reason)
          }
          onCancel={() => setConfirming(null)}
          onDone={(updated) => {
            setConfirming(null);
            onChanged(updated, t(`cooperation.referrals.${confirming}.done`, { peer }));
          }}
        />
      )}
    </section>
  );
}

interface AcceptFormProps {
  referral: CrossBorderReferral;
  /** The agencies the user answers referrals for; null: all of the node's. */
  responders: string[] | null;
  onAccepted(referral: CrossBorderReferral): void;
  onDecline(): void;
}

/** Takes the referral into an agency of this node: it becomes a case of that agency, linked to the sender's. */
function AcceptForm({ referral, responders, onAccepted, onDecline }: AcceptFormProps) {
  const { t } = useTranslation();
  const ids = useId();
  const agencies = useResource(useCallback(() => api.agencies(), []));
  const form = useReferralForm(
    async (data) => {
      const agencyId = fieldText(data, 'agencyId');
      if (!agencyId) throw new ReferralProblem('agency_missing', 'agencyId');
      onAccepted(await xbApi.accept(referral.id, agencyId));
    },
    { forbidden: 'agencyId' },
  );
  return (
    <form className="form subsection" noValidate aria-labelledby={`${ids}-title`} onSubmit={form.onSubmit}>
      <h3 id={`${ids}-title`}>{t('cooperation.referrals.accept.title')}</h3>
      <p className="hint">{t('cooperation.referrals.accept.intro', { peer: referral.peer })}</p>
      {form.error}
      <Loaded resource={agencies}>
        {(all) => (
          <SelectField
            label={t('cooperation.referrals.accept.agency')}
            name="agencyId"
            required
            defaultValue=""
            errorId={form.errorFor('agencyId')}
          >
            <option value="">{t('admin.choose')}</option>
            {all
              .filter((agency) => responders === null || responders.includes(agency.id))
              .map((agency) => (
                <option key={agency.id} value={agency.id}>
                  {agency.name}
                </option>
              ))}
          </SelectField>
        )}
      </Loaded>
      <div className="actions">
        <button type="submit" className="button" aria-disabled={form.pending}>
          {form.pending ? t('cooperation.referrals.pending') : t('cooperation.referrals.accept.submit')}
        </button>
        <button type="button" className="button danger" onClick={onDecline}>
          {t('cooperation.referrals.decline.button')}
        </button>
      </div>
    </form>
  );
}
