import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../api.ts';
import { PageHeading } from '../../components/PageHeading.tsx';
import { Link, useRouter } from '../../router.tsx';
import { NotFoundPage } from '../shell/pages.tsx';
import { JitArea } from './jit/JitArea.tsx';
import { MlaArea } from './mla/MlaArea.tsx';
import { ReferralsArea } from './referrals/ReferralsArea.tsx';
import { TransfersArea } from './transfers/TransfersArea.tsx';

/** The parts of the work with other countries' nodes, each under /cooperation/<part>. */
export const COOPERATION_PARTS = ['referrals', 'mla', 'jit', 'transfers'] as const;
export type CooperationPart = (typeof COOPERATION_PARTS)[number];

export interface PartProps {
  user: SessionUser;
  /** The path below /cooperation/<part>: '' for the part's own page, '/<id>' and deeper for what it holds. */
  rest: string;
}

/** Everything under /cooperation: an overview that leads to each part, and the parts. */
export function CooperationArea({ user }: { user: SessionUser }) {
  const { path } = useRouter();
  const rest = path.slice('/cooperation'.length);
  if (rest === '' || rest === '/') return <Overview />;
  const [, part = '', ...below] = rest.split('/');
  const props: PartProps = { user, rest: below.length ? `/${below.join('/')}` : '' };
  switch (part as CooperationPart) {
    case 'referrals':
      return <ReferralsArea {...props} />;
    case 'mla':
      return <MlaArea {...props} />;
    case 'jit':
      return <JitArea {...props} />;
    case 'transfers':
      return <TransfersArea {...props} />;
    default:
      return <NotFoundPage />;
  }
}

function Overview() {
  const { t } = useTranslation();
  return (
    <>
      <PageHeading title={t('nav.cooperation')} />
      <p>{t('cooperation.intro')}</p>
      <ul className="cooperation-parts">
        {COOPERATION_PARTS.map((part) => (
          <li key={part}>
            <Link to={`/cooperation/${part}`}>{t(`cooperation.parts.${part}.title`)}</Link>
            <p>{t(`cooperation.parts.${part}.summary`)}</p>
          </li>
        ))}
      </ul>
    </>
  );
}
