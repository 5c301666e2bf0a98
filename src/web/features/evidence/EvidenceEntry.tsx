import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Purpose } from '../../api.ts';
import { DATE_TIME, useDateFormat } from '../../i18n/format.ts';
import { isolate } from '../../i18n/i18n.ts';
import { CustodyTimeline } from './CustodyTimeline.tsx';
import { type EvidenceItem, evidenceApi, shortHash } from './evidence-api.ts';
import { WorkingCopyForm } from './WorkingCopyForm.tsx';

interface EvidenceEntryProps {
  item: EvidenceItem;
  /** The original, for a working copy whose original is on the list. */
  original: EvidenceItem | undefined;
  /** The purpose chosen for downloads; none chosen means no download links. */
  purpose: Purpose | null;
  canDerive: boolean;
  actorName(actor: string): string;
  onCopyAdded(item: EvidenceItem): void;
}

/** One evidence item: what it is, its hashes, how it may be handled, and its custody history on demand. */
export function EvidenceEntry(props: EvidenceEntryProps) {
  const { item, original, purpose, canDerive, actorName, onCopyAdded } = props;
  const { t } = useTranslation();
  const ids = useId();
  const formatTime = useDateFormat(DATE_TIME);
  const formatSize = useSizeFormat();
  const [showCustody, setShowCustody] = useState(false);
  const [showCopyForm, setShowCopyForm] = useState(false);
  const [copied, setCopied] = useState(false);
  const codeLabel = (code: string, meaning: string) => t('evidence.codeLabel', { code, meaning });
  const hidden = (text: string) => <span className="visually-hidden"> {text}</span>;

  const copyHash = async () => {
    setCopied(false);
    await navigator.clipboard.writeText(item.sha256);
    setCopied(true);
  };

  return (
    <li id={`evidence-${item.id}`} className="evidence-item">
      <article aria-labelledby={`${ids}-title`}>
        <h3 id={`${ids}-title`}>
          <bdi>{item.title}</bdi>
          {/* Sealed under the survivor's key: erased with her identity, the item and its custody stay. */}
          {item.erasedFields?.length > 0 && (
            <>
              {' '}
              <span className="tag">{t('evidence.erased')}</span>
            </>
          )}
          {item.parentId && (
            <>
              {' '}
              <span className="tag">{t('evidence.workingCopy')}</span>
            </>
          )}
        </h3>
        {item.description && <p className="evidence-description">{item.description}</p>}
        <dl className="facts">
          <div>
            <dt>{t('evidence.file')}</dt>
            <dd>
              <bdi>{item.fileName}</bdi> · {formatSize(item.size)}
            </dd>
          </div>
          <div>
            <dt>{t('evidence.sha256')}</dt>
            <dd>
              <code dir="ltr">{shortHash(item.sha256)}…</code>
              <details className="hashes">
                <summary className="hashes-summary">
                  {t('evidence.fullHashes')}
                  {hidden(item.title)}
                </summary>
                <p>
                  {t('evidence.sha256')}{' '}
                  <code dir="ltr" className="hash">
                    {item.sha256}
                  </code>
                </p>
                <p>
                  {t('evidence.sha512')}{' '}
                  <code dir="ltr" className="hash">
                    {item.sha512}
                  </code>
                </p>
                {typeof navigator.clipboard?.writeText === 'function' && (
                  <button type="button" className="button secondary small" onClick={() => void copyHash()}>
                    {t('evidence.copyHash')}
                  </button>
                )}
                <p role="status">{copied ? t('evidence.hashCopied') : ''}</p>
              </details>
            </dd>
          </div>
          <div>
            <dt>{t('evidence.handlingCode')}</dt>
            <dd>
              {codeLabel(item.handlingCode, t(`evidence.handling.${item.handlingCode}`))}
              {item.handlingNote && <span className="hint block">{item.handlingNote}</span>}
            </dd>
          </div>
          <div>
            <dt>{t('evidence.grading')}</dt>
            <dd>
              {item.sourceReliability || item.informationAccuracy ? (
                <>
                  {item.sourceReliability
                    ? codeLabel(item.sourceReliability, t(`evidence.reliability.${item.sourceReliability}`))
                    : t('evidence.reliabilityNotGraded')}
                  <span className="block">
                    {item.informationAccuracy
                      ? codeLabel(String(item.informationAccuracy), t(`evidence.accuracy.${item.informationAccuracy}`))
                      : t('evidence.accuracyNotGraded')}
                  </span>
                </>
              ) : (
                t('evidence.notGraded')
              )}
            </dd>
          </div>
          {item.type && (
            <div>
              <dt>{t('evidence.fields.type')}</dt>
              <dd>{t(`evidence.types.${item.type}`)}</dd>
            </div>
          )}
          {(item.collectedAt || item.collectedBy || item.collectedWhere) && (
            <div>
              <dt>{t('evidence.collected')}</dt>
              <dd>
                {item.collectedAt && (
                  <time dateTime={item.collectedAt} className="block">
                    {formatTime(item.collectedAt)}
                  </time>
                )}
                {item.collectedBy && (
                  <span className="block">{t('evidence.collectedBy', { name: isolate(item.collectedBy) })}</span>
                )}
                {item.collectedWhere && (
                  <span className="block">{t('evidence.collectedWhere', { place: isolate(item.collectedWhere) })}</span>
                )}
              </dd>
            </div>
          )}
          {(item.source || item.device) && (
            <div>
              <dt>{t('evidence.fields.source')}</dt>
              <dd>
                {item.source && <bdi className="block">{item.source}</bdi>}
                {item.device && <bdi className="block">{item.device}</bdi>}
              </dd>
            </div>
          )}
          {item.parentId && item.transformation && (
            <div>
              <dt>{t('evidence.original')}</dt>
              <dd>
                {t(`evidence.transformations.${item.transformation}`)} ·{' '}
                <a href={`#evidence-${item.parentId}`}>
                  <bdi>{original?.title ?? item.parentId}</bdi>
                </a>
                {item.parentSha256 && (
                  <span className="block">
                    {t('evidence.sha256')} <code dir="ltr">{shortHash(item.parentSha256)}…</code>
                  </span>
                )}
              </dd>
            </div>
          )}
          <div>
            <dt>{t('evidence.added')}</dt>
            <dd>
              <time dateTime={item.createdAt}>{formatTime(item.createdAt)}</time> ·{' '}
              <bdi>{actorName(item.createdBy)}</bdi>
            </dd>
          </div>
        </dl>
        <div className="actions compact">
          {purpose && (
            <a className="button secondary small" href={evidenceApi.contentUrl(item.id, purpose)} download>
              {t('evidence.download')}
              {hidden(item.fileName)}
            </a>
          )}
          <button
            type="button"
            className="button secondary small"
            aria-expanded={showCustody}
            aria-controls={showCustody ? `${ids}-custody` : undefined}
            onClick={() => setShowCustody((open) => !open)}
          >
            {showCustody ? t('evidence.custody.hide') : t('evidence.custody.show')}
            {hidden(item.title)}
          </button>
          {canDerive && (
            <button
              type="button"
              className="button secondary small"
              aria-expanded={showCopyForm}
              aria-controls={showCopyForm ? `${ids}-copy` : undefined}
              onClick={() => setShowCopyForm((open) => !open)}
            >
              {t('evidence.copy.open')}
              {hidden(item.title)}
            </button>
          )}
        </div>
        {showCustody && (
          <div id={`${ids}-custody`} className="custody">
            <h4>{t('evidence.custody.title')}</h4>
            <CustodyTimeline item={item} actorName={actorName} />
          </div>
        )}
        {showCopyForm && (
          <div id={`${ids}-copy`}>
            <WorkingCopyForm original={item} onAdded={onCopyAdded} />
          </div>
        )}
      </article>
    </li>
  );
}

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;

/** A size in bytes in the largest decimal unit below it, the way the chosen language writes numbers and units. */
export function useSizeFormat(): (bytes: number) => string {
  const { i18n } = useTranslation();
  return useMemo(() => {
    const formats = UNITS.map(
      (unit) =>
        new Intl.NumberFormat(i18n.language, {
          style: 'unit',
          unit,
          unitDisplay: unit === 'byte' ? 'long' : 'short',
          maximumFractionDigits: 1,
        }),
    );
    return (bytes: number) => {
      let unit = 0;
      while (bytes >= 1000 ** (unit + 1) && unit < UNITS.length - 1) unit++;
      return (formats[unit] as Intl.NumberFormat).format(bytes / 1000 ** unit);
    };
  }, [i18n.language]);
}
