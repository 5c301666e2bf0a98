import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../../api.ts';
import { PageHeading } from '../../../components/PageHeading.tsx';
import { Loaded, useResource } from '../../../components/useResource.tsx';
import { Link } from '../../../router.tsx';
import { ReferralActions } from './ReferralActions.tsx';
import { ReferralFacts, SharedFields } from './ReferralFacts.tsx';
import { ReferralNotes } from './ReferralNotes.tsx';
import { type CrossBorderReferral, xbApi } from './referrals-api.ts';

/**
 * One cross-border referral: who it is with and where it stands, the fields it carried, the status notes written on
 * both nodes, and what this node may do: accept or decline a pending one it received, revoke one it sent.
 */
export function ReferralPage({ id, user }: { id: string; user: SessionUser }) {
  const found = useResource(
    useCallback(() => xbApi.get(id), [id]),
    { live: true },
  );
  return (
    <Loaded resource={found}>
      {(referral) => <ReferralView referral={referral} user={user} onChanged={found.set} />}
    </Loaded>
  );
}

interface ReferralViewProps {
  referral: CrossBorderReferral;
  user: SessionUser;
  onChanged(referral: CrossBorderReferral): void;
}

function ReferralView({ referral, user, onChanged }: ReferralViewProps) {
  const { t } = useTranslation();
  const [done, setDone] = useState<string | null>(null);
  const status = useRef<HTMLParagraphElement>(null);

  // The outcome takes the focus from the button or form that is gone now.
  useEffect(() => {
    if (done) status.current?.focus();
  }, [done]);

  const changed = (updated: CrossBorderReferral, message: string) => {
    onChanged(updated);
    setDone(message);
  };

  return (
    <>
      <PageHeading
        title={t(`cooperation.referrals.titles.${referral.direction}`, { peer: referral.peerName ?? referral.peer })}
      />
      <p>
        <Link to="/cooperation/referrals">{t('cooperation.referrals.back')}</Link>
      </p>
      <p ref={status} role="status" tabIndex={-1} className={done ? 'notice' : undefined}>
        {done}
      </p>
      <ReferralFacts referral={referral} />
      <ReferralActions referral={referral} user={user} onChanged={changed} />
      <SharedFields referral={referral} />
      <ReferralNotes referral={referral} user={user} />
    </>
  );
}
