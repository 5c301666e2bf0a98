import { useState } from 'react';
import { NotFoundPage } from '../../shell/pages.tsx';
import type { PartProps } from '../CooperationArea.tsx';
import { ReferralPage } from './ReferralPage.tsx';
import { ReferralsListPage } from './ReferralsListPage.tsx';
import type { ReferralFilter } from './referrals-api.ts';

/**
 * Cases referred or transferred to and from peer nodes: `/cooperation/referrals` lists them, received or sent, and
 * `/<id>` shows one with the fields it carried (by name), its status notes and what this node may do next.
 */
export function ReferralsArea({ user, rest }: PartProps) {
  // Kept here, so that the list comes back as it was left after a look at a referral; received ones come first.
  const [filter, setFilter] = useState<ReferralFilter>({ direction: 'in' });
  if (rest === '') return <ReferralsListPage filter={filter} onFilter={setFilter} />;
  const [, id = '', ...deeper] = rest.split('/');
  if (!id || deeper.length > 0) return <NotFoundPage />;
  const referralId = decodeURIComponent(id);
  return <ReferralPage key={referralId} id={referralId} user={user} />;
}
