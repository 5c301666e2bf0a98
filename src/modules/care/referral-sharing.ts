/**
 * What accepted in-country referrals share, for the modules below care that check access: case access (which agencies
 * received a case), the case service (which cases an agency received) and the survivors service (which identity
 * fields it may read). Given to them in the composition root.
 */
import type { CaseSharing } from '../cases/index.ts';
import type { SharedFields } from '../survivors/index.ts';
import { sharedCases, sharedFields, sharedWith } from './care.repository.ts';

export const referralSharing: CaseSharing & { sharedFields: SharedFields } = {
  sharedCases,
  sharedWith,
  sharedFields,
};
