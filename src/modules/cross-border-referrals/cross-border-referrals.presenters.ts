/** A cross-border referral as the API shows it: without its sealed fields, consent basis and sealed reason. */
import type * as repo from './cross-border-referrals.repository.ts';

export interface CrossBorderView
  extends Omit<repo.XbReferralRow, 'sealed' | 'consentBasis' | 'consentId' | 'statusReasonSealed'> {}

export const presentReferral = (r: repo.XbReferralRow): CrossBorderView => {
  const { sealed: _sealed, consentBasis: _basis, consentId: _consent, statusReasonSealed: _reason, ...view } = r;
  return view;
};
