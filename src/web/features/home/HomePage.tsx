import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { Stage } from '../../../shared/lifecycle.ts';
import type { ClockName } from '../../../shared/mla-clocks.ts';
import type { Side } from '../../../shared/mla-states.ts';
import type { RiskLevel } from '../../../shared/risk.ts';
import { PageHeading } from '../../components/PageHeading.tsx';
import { Loaded } from '../../components/useResource.tsx';
import { DATE, useDateFormat } from '../../i18n/format.ts';
import { isolate } from '../../i18n/i18n.ts';
import { Link } from '../../router.tsx';
import { IncomingReferrals } from '../cases/IncomingReferrals.tsx';
import { GROUPS, type GroupId, useWorkQueue, type WorkItem, type WorkQueue } from './work-queue-api.ts';

/**
 * Home is the user's work queue: what waits for her, grouped, each group only when her roles can have something in
 * it, and an empty group says what will appear there. It refreshes itself while shown.
 */
export function HomePage({ nodeName }: { nodeName: string }) {
  const { t } = useTranslation();
  const queue = useWorkQueue();
  return (
    <>
      <PageHeading title={t('home.title')} />
      <p>{t('home.intro', { nodeName: isolate(nodeName) })}</p>
      <Loaded resource={queue}>
        {(loaded) =>
          loaded.kinds.length === 0 ? (
            <p>{t('home.nothingForRoles')}</p>
          ) : (
            GROUPS.filter((group) => group.kinds.some((kind) => loaded.kinds.includes(kind))).map((group) => (
              <Group key={group.id} id={group.id} queue={loaded} />
            ))
          )
        }
      </Loaded>
    </>
  );
}

function Group({ id, queue }: { id: GroupId; queue: WorkQueue }) {
  const { t } = useTranslation();
  const ids = useId();
  const kinds = GROUPS.find((group) => group.id === id)?.kinds ?? [];
  const items = queue.items.filter((item) => (kinds as readonly string[]).includes(item.kind));
  const count = kinds.reduce((sum, kind) => sum + queue.counts[kind], 0);
  return (
    <section aria-labelledby={`${ids}-title`} className="section work-group">
      <h2 id={`${ids}-title`}>
        {t(`home.groups.${id}.title`)} <span className="badge">{count}</span>
      </h2>
      {id === 'referrals' ? (
        // Kept on screen when the last referral is answered, with what the answer opened.
        <IncomingReferrals items={items} empty={<p className="hint">{t('home.groups.referrals.empty')}</p>} />
      ) : items.length === 0 ? (
        <p className="hint">{t(`home.groups.${id}.empty`)}</p>
      ) : (
        <ul className="work-list">
          {items.map((item) => (
            <li key={`${item.kind}-${item.id}-${item.detail}`}>
              <WorkEntry item={item} />
            </li>
          ))}
        </ul>
      )}
      {count > items.length && <p className="hint">{t('home.more', { count: count - items.length })}</p>}
    </section>
  );
}

/** One item: what to do, as a link to where it is done, and when it is due. */
function WorkEntry({ item }: { item: WorkItem }) {
  const { t } = useTranslation();
  const formatDate = useDateFormat(DATE);
  const reference = item.caseReference ?? '';
  let title: string;
  switch (item.kind) {
    case 'mla_deadline': {
      const [side, clock] = (item.detail ?? 'issuing:acknowledgement').split(':') as [Side, ClockName];
      title = t('home.items.mla', {
        request: t(`cooperation.mla.sides.${side}`, { peer: isolate(item.from ?? '') }),
        clock: t(`cooperation.mla.clock.names.${clock}`),
      });
      break;
    }
    case 'linkage_alert':
      title = t('home.items.alert', {
        reference,
        kind: t(`linkage.kinds.${item.detail as 're_trafficking' | 'shared_perpetrator'}`),
      });
      break;
    case 'risk_reassessment':
      title = t('home.items.risk', { reference, level: t(`risk.levels.${item.detail as RiskLevel}`) });
      break;
    default:
      title =
        item.detail === 'closure_requested'
          ? t('home.items.closure', { reference })
          : t('home.items.case', { reference, stage: t(`stages.${item.detail as Stage}`) });
  }
  return (
    <>
      <Link to={item.link}>{title}</Link>
      {item.due && (
        <span className={item.overdue ? 'hint block overdue' : 'hint block'}>
          {t(item.overdue ? 'home.overdue' : 'home.due', { date: formatDate(item.due) })}
        </span>
      )}
    </>
  );
}
