/** The vocabulary of cross-border referrals that the node checks and the web app offers. */

/** referral: the sender keeps the case; transfer: ownership moves to the receiving node. */
export const XB_KINDS = ['referral', 'transfer'] as const;
export type XbKind = (typeof XB_KINDS)[number];
export const XB_PURPOSES = ['protection', 'services', 'prosecution', 'reintegration'] as const;
export type XbPurpose = (typeof XB_PURPOSES)[number];
export const XB_STATUSES = ['offered', 'accepted', 'declined', 'revoked', 'withdrawn', 'erased'] as const;
export type XbStatus = (typeof XB_STATUSES)[number];
/** in: this node received it; out: this node sent it. */
export const XB_DIRECTIONS = ['in', 'out'] as const;
export type XbDirection = (typeof XB_DIRECTIONS)[number];
