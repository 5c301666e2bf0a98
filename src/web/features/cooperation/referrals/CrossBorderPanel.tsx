import { useCallback, useId } from 'react';
import { useTranslation } from 'react-i18next';
import type { SessionUser } from '../../../api.ts';
import { ScrollingTable } from '../../../components/ScrollingTable.tsx';
import { Loaded, useResource } from '../../../components/useResource.tsx';
import { DATE_TIME, useCountryName, useDateFormat } from '../../../i18n/format.ts';
import { isolate } from '../../../i18n/i18n.ts';
import { Link } from '../../../router.tsx';
import type { Case } from '../../cases/cases-api.ts';
import { allowsOnCase } from '../../cases/vocabulary.ts';
import { OfferForm } from './OfferForm.tsx';
import { type CrossBorderReferral, referralPath, xbApi } from './referrals-api.ts';

interface CrossBorderPanelProps {
  found: Case;
  user: SessionUser;
  revision: number;
  onChanged(): void;
}

/**
 * The case's referrals and transfers to other countries' nodes, and the form that sends one: only the fields the
 * survivor's cross-border consent covers for the receiving node's country can go, encrypted to that node.
 */
export function CrossBorderPanel({ found, user, revision, onChanged }: CrossBorderPanelProps) {
  const { t } = useTranslation();
  const ids = useId();
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new revision of the case may mean a changed referral.
  const referrals = useResource(useCallback(() => xbApi.ofCase(found.id), [found.id, revision]));
  const canOffer = allowsOnCase(user, 'referral.offer', found) && !found.survivor.erased;
  return (
    <section id="cross-border" aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('cooperation.referrals.panel.title')}</h2>
      <p>{t('cooperation.referrals.panel.intro')}</p>
      <Loaded resource={referrals}>
        {(rows) =>
          rows.length === 0 ? <p>{t('cooperation.referrals.panel.none')}</p> : <CaseReferralsTable rows={rows} />
        }
      </Loaded>
      {canOffer && <OfferForm found={found} revision={revision} onOffered={onChanged} />}
    </section>
  );
}

function CaseReferralsTable({ rows }: { rows: CrossBorderReferral[] }) {
  const { t } = useTranslation();
  const formatTime = useDateFormat(DATE_TIME);
  const country = useCountryName();
  return (
    <ScrollingTable caption={t('cooperation.referrals.panel.caption', { count: rows.length })}>
      <thead>
        <tr>
          <th scope="col">{t('cooperation.referrals.panel.node')}</th>
          <th scope="col">{t('cooperation.referrals.kind')}</th>
          <th scope="col">{t('cooperation.referrals.purpose')}</th>
          <th scope="col">{t('cooperation.referrals.panel.fields')}</th>
          <th scope="col">{t('cooperation.referrals.status')}</th>
          <th scope="col">{t('cooperation.referrals.facts.offeredAt.out')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id}>
            <th scope="row">
              <Link to={referralPath(row.id)}>
                {t(`cooperation.referrals.titles.${row.direction}`, { peer: row.peerName ?? row.peer })}
              </Link>
              <br />
              <span className="hint">{country(row.peerCountry)}</span>
            </th>
            <td>{t(`cooperation.referrals.kinds.${row.kind}`)}</td>
            <td>{t(`cooperation.referrals.purposes.${row.purpose}`)}</td>
            <td>{t('cooperation.referrals.fieldCount', { count: row.fields.length })}</td>
            <td>
              {t(`cooperation.referrals.statuses.${row.status}`)}
              {row.statusReason && <blockquote>{row.statusReason}</blockquote>}
            </td>
            <td>
              <time dateTime={row.offeredAt}>{formatTime(row.offeredAt)}</time>
              {row.offeredByName && (
                <>
                  <br />
                  <span className="hint">{t('consent.by', { name: isolate(row.offeredByName) })}</span>
                </>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </ScrollingTable>
  );
}
