/**
 * The `passage.referral.*` message types (docs/federation.md), named here once for the side that sends them (offer,
 * accept, the service) and the side that receives them (cross-border-referrals.inbound.ts); their bodies' schemas are
 * in cross-border-referrals.schema.ts.
 */
export const REFERRAL_OFFER = 'passage.referral.offer';
export const REFERRAL_STATUS = 'passage.referral.status';
export const REFERRAL_UPDATE = 'passage.referral.update';
export const REFERRAL_WITHDRAW = 'passage.referral.withdraw';
export const REFERRAL_ERASED = 'passage.referral.erased';
