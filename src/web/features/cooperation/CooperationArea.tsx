import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../api.ts';
import { ErrorMessage } from '../../components/ErrorMessage.tsx';
import { PageHeading } from '../../components/PageHeading.tsx';
import { Link, useRouter } from '../../router.tsx';
import { COOPERATION_PARTS, type CooperationPart, cooperationPartsFor, rolesFor } from '../shell/modules.ts';
import { NotFoundPage } from '../shell/pages.tsx';
import { JitArea } from './jit/JitArea.tsx';
import { MlaArea } from './mla/MlaArea.tsx';
import { ReferralsArea } from './referrals/ReferralsArea.tsx';
import { TransfersArea } from './transfers/TransfersArea.tsx';

export { COOPERATION_PARTS, type CooperationPart } from '../shell/modules.ts';

export interface PartProps {
  user: SessionUser;
  /** The path below /cooperation/<part>: '' for the part's own page, '/<id>' and deeper for what it holds. */
  rest: string;
}

/** Everything under /cooperation: an overview that leads to each part, and the parts. */
export function CooperationArea({ user }: { user: SessionUser }) {
  const { path } = useRouter();
  const rest = path.slice('/cooperation'.length);
  const parts = cooperationPartsFor(user);
  if (rest === '' || rest === '/') return <Overview parts={parts} />;
  const [, part = '', ...below] = rest.split('/');
  const props: PartProps = { user, rest: below.length ? `/${below.join('/')}` : '' };
  // A part the user's roles do not open is refused here, naming the roles that would, as the server would refuse it.
  if ((COOPERATION_PARTS as readonly string[]).includes(part) && !parts.includes(part as CooperationPart)) {
    return <Refused part={part as CooperationPart} />;
  }
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

function Refused({ part }: { part: CooperationPart }) {
  const { t } = useTranslation();
  return (
    <>
      <PageHeading title={t(`cooperation.parts.${part}.title`)} />
      <ErrorMessage errorId="forbidden" roles={rolesFor(part)} />
    </>
  );
}

function Overview({ parts }: { parts: readonly CooperationPart[] }) {
  const { t } = useTranslation();
  return (
    <>
      <PageHeading title={t('nav.cooperation')} />
      <p>{t('cooperation.intro')}</p>
      <ul className="cooperation-parts">
        {parts.map((part) => (
          <li key={part}>
            <Link to={`/cooperation/${part}`}>{t(`cooperation.parts.${part}.title`)}</Link>
            <p>{t(`cooperation.parts.${part}.summary`)}</p>
          </li>
        ))}
      </ul>
    </>
  );
}
