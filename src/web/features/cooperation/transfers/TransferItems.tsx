import { useTranslation } from 'react-i18next';
import { ScrollingTable } from '../../../components/ScrollingTable.tsx';
import { Link } from '../../../router.tsx';
import { useSizeFormat } from '../../evidence/EvidenceEntry.tsx';
import { HANDLING_CODES } from '../../evidence/evidence-api.ts';
import type { TransferWithItems } from './transfers-api.ts';

const isHandlingCode = (code: string): code is (typeof HANDLING_CODES)[number] =>
  HANDLING_CODES.some((known) => known === code);

/** The items of a transfer as the sender described them, with their hashes, handling codes and custody. */
export function TransferItems({ transfer }: { transfer: TransferWithItems }) {
  const { t } = useTranslation();
  const formatSize = useSizeFormat();
  const accepted = transfer.direction === 'in' && transfer.status === 'accepted' && transfer.caseId;
  return (
    <ScrollingTable caption={t('cooperation.transfers.items.caption', { count: transfer.items.length })}>
      <thead>
        <tr>
          <th scope="col">{t('cooperation.transfers.items.item')}</th>
          <th scope="col">{t('cooperation.transfers.items.mediaType')}</th>
          <th scope="col">{t('cooperation.transfers.items.size')}</th>
          <th scope="col">{t('evidence.sha256')}</th>
          <th scope="col">{t('evidence.handlingCode')}</th>
          <th scope="col">{t('cooperation.transfers.items.custody')}</th>
          {accepted && <th scope="col">{t('cooperation.transfers.items.acceptedAs')}</th>}
        </tr>
      </thead>
      <tbody>
        {transfer.items.map((item) => (
          <tr key={item.id}>
            <th scope="row">
              <bdi>{item.title}</bdi>
              <br />
              <bdi className="hint">{item.fileName}</bdi>
              {item.description && <p className="hint">{item.description}</p>}
            </th>
            <td className="identifier">{item.mediaType}</td>
            <td>{formatSize(item.size)}</td>
            <td>
              <code className="identifier">{item.sha256}</code>
            </td>
            <td>
              {isHandlingCode(item.handlingCode)
                ? t('evidence.codeLabel', {
                    code: item.handlingCode,
                    meaning: t(`evidence.handling.${item.handlingCode}`),
                  })
                : item.handlingCode}
              {item.handlingNote && (
                <p className="hint">{t('cooperation.transfers.items.note', { note: item.handlingNote })}</p>
              )}
            </td>
            <td>{t('cooperation.transfers.items.events', { count: item.custodyEvents })}</td>
            {accepted && (
              <td>
                {item.acceptedAs ? (
                  <>
                    <Link to={`/cases/${encodeURIComponent(transfer.caseId ?? '')}`}>
                      {t('cooperation.transfers.items.inCase')}
                    </Link>
                    <br />
                    <span className="hint identifier">{item.acceptedAs}</span>
                  </>
                ) : (
                  '—'
                )}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </ScrollingTable>
  );
}
