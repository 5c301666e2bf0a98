import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ErrorId, ErrorMessage, errorIdOf } from '../../components/ErrorMessage.tsx';
import { ScrollingTable } from '../../components/ScrollingTable.tsx';
import { Loaded, type Resource } from '../../components/useResource.tsx';
import { DATE, useCountryName, useDateFormat } from '../../i18n/format.ts';
import { isolate } from '../../i18n/i18n.ts';
import { ConfirmDialog } from '../admin/ConfirmDialog.tsx';
import { PeerForm } from './PeerForm.tsx';
import { type Peer, type PingResult, peersApi } from './peers-api.ts';
import { useReasonText } from './reasons.ts';

interface PeersSectionProps {
  peers: Resource<Peer[]>;
  onAdded(peer: Peer): void;
  onChanged(peer: Peer): void;
  onRemoved(nodeId: string): void;
  /** A ping was sent: the message history has a new message. */
  onPinged(): void;
}

/** What last happened to a peer from the table, announced above it. */
type Outcome =
  | { kind: 'suspended' | 'activated' | 'removed'; peer: Peer }
  | { kind: 'pinged'; peer: Peer; result: PingResult };

export function PeersSection({ peers, onAdded, onChanged, onRemoved, onPinged }: PeersSectionProps) {
  const { t } = useTranslation();
  const ids = useId();
  const notice = useRef<HTMLParagraphElement>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [error, setError] = useState<ErrorId | null>(null);
  const [busy, setBusy] = useState<{ nodeId: string; action: 'ping' | 'status' } | null>(null);
  const [toRemove, setToRemove] = useState<Peer | null>(null);

  // A status change replaces the button that was pressed, and a removal takes its row away: the outcome takes the
  // focus instead. A ping leaves the focus on its button; the outcome is announced.
  useEffect(() => {
    if (outcome && outcome.kind !== 'pinged') notice.current?.focus();
  }, [outcome]);

  const run = async (peer: Peer, action: 'ping' | 'status', work: () => Promise<Outcome>) => {
    if (busy) return;
    setBusy({ nodeId: peer.nodeId, action });
    setError(null);
    setOutcome(null);
    try {
      setOutcome(await work());
    } catch (failure) {
      setError(errorIdOf(failure));
    } finally {
      setBusy(null);
    }
  };

  const ping = (peer: Peer) =>
    run(peer, 'ping', async () => {
      const result = await peersApi.ping(peer.nodeId);
      onPinged();
      return { kind: 'pinged', peer, result };
    });

  const setStatus = (peer: Peer, status: 'suspended' | 'activated') =>
    run(peer, 'status', async () => {
      const changed = await (status === 'suspended' ? peersApi.suspend : peersApi.activate)(peer.nodeId);
      onChanged(changed);
      return { kind: status, peer: changed };
    });

  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('peers.title')}</h2>
      <p
        ref={notice}
        role="status"
        tabIndex={-1}
        className={outcome ? (isFailedPing(outcome) ? 'alert' : 'notice') : undefined}
      >
        {outcome && <OutcomeText outcome={outcome} />}
      </p>
      {error && <ErrorMessage errorId={error} />}
      <Loaded resource={peers}>
        {(list) =>
          list.length === 0 ? (
            <p>{t('peers.none')}</p>
          ) : (
            <PeersTable
              peers={list}
              busy={busy}
              onPing={(peer) => void ping(peer)}
              onSuspend={(peer) => void setStatus(peer, 'suspended')}
              onActivate={(peer) => void setStatus(peer, 'activated')}
              onRemove={setToRemove}
            />
          )
        }
      </Loaded>
      {toRemove && (
        <ConfirmDialog
          title={t('peers.removeTitle')}
          body={t('peers.removeBody', { name: isolate(toRemove.name), nodeId: toRemove.nodeId })}
          confirm={t('peers.removeConfirm')}
          pending={t('peers.removing')}
          action={() => peersApi.remove(toRemove.nodeId)}
          onCancel={() => setToRemove(null)}
          onDone={() => {
            setToRemove(null);
            setError(null);
            setOutcome({ kind: 'removed', peer: toRemove });
            onRemoved(toRemove.nodeId);
          }}
        />
      )}
      <PeerForm onAdded={onAdded} />
    </section>
  );
}

const isFailedPing = (outcome: Outcome) => outcome.kind === 'pinged' && outcome.result.status !== 'accepted';

function OutcomeText({ outcome }: { outcome: Outcome }) {
  const { t } = useTranslation();
  const reasonText = useReasonText();
  const values = { name: isolate(outcome.peer.name), nodeId: outcome.peer.nodeId };
  if (outcome.kind !== 'pinged') return t(`peers.outcomes.${outcome.kind}`, values);
  const { status, reason, roundTripMs } = outcome.result;
  if (status === 'accepted') return t('peers.outcomes.pingAccepted', { ...values, ms: Math.round(roundTripMs) });
  const said = {
    rejected: 'peers.outcomes.pingRejected',
    queued: 'peers.outcomes.pingQueued',
    dead: 'peers.outcomes.pingDead',
  } as const;
  return (
    <>
      {t(said[status], values)} {reasonText(reason)}
    </>
  );
}

interface PeersTableProps {
  peers: Peer[];
  busy: { nodeId: string; action: 'ping' | 'status' } | null;
  onPing(peer: Peer): void;
  onSuspend(peer: Peer): void;
  onActivate(peer: Peer): void;
  onRemove(peer: Peer): void;
}

function PeersTable({ peers, busy, onPing, onSuspend, onActivate, onRemove }: PeersTableProps) {
  const { t } = useTranslation();
  const countryName = useCountryName();
  const formatDate = useDateFormat(DATE);
  const isBusy = (peer: Peer, action: 'ping' | 'status') => busy?.nodeId === peer.nodeId && busy.action === action;
  // Each button says which peer it acts on, for those who reach it out of its row.
  const named = (peer: Peer) => <span className="visually-hidden"> {peer.nodeId}</span>;

  return (
    <ScrollingTable caption={t('peers.count', { count: peers.length })}>
      <thead>
        <tr>
          <th scope="col">{t('peers.nodeId')}</th>
          <th scope="col">{t('peers.name')}</th>
          <th scope="col">{t('peers.country')}</th>
          <th scope="col">{t('peers.url')}</th>
          <th scope="col">{t('peers.fingerprint')}</th>
          <th scope="col">{t('peers.status')}</th>
          <th scope="col">{t('peers.actions')}</th>
        </tr>
      </thead>
      <tbody>
        {peers.map((peer) => (
          <tr key={peer.nodeId}>
            <th scope="row" className="identifier node-id">
              {peer.nodeId}
            </th>
            <td>
              <bdi>{peer.name}</bdi>
            </td>
            <td>
              {countryName(peer.country)} ({peer.country})
            </td>
            <td className="identifier">
              <bdi>{peer.baseUrl}</bdi>
            </td>
            <td>
              <code dir="ltr" className="fingerprint">
                {peer.fingerprint}
              </code>
            </td>
            <td>
              {peer.status === 'active'
                ? t('peers.active')
                : peer.statusChangedAt
                  ? t('peers.suspendedOn', { date: formatDate(peer.statusChangedAt) })
                  : t('peers.suspended')}
            </td>
            <td>
              <div className="actions compact">
                {peer.status === 'active' && (
                  <button
                    type="button"
                    className="button secondary small"
                    aria-disabled={isBusy(peer, 'ping')}
                    onClick={() => onPing(peer)}
                  >
                    {isBusy(peer, 'ping') ? t('peers.pinging') : t('peers.ping')}
                    {named(peer)}
                  </button>
                )}
                {peer.status === 'active' ? (
                  <button
                    type="button"
                    className="button secondary small"
                    aria-disabled={isBusy(peer, 'status')}
                    onClick={() => onSuspend(peer)}
                  >
                    {isBusy(peer, 'status') ? t('peers.suspending') : t('peers.suspend')}
                    {named(peer)}
                  </button>
                ) : (
                  <button
                    type="button"
                    className="button secondary small"
                    aria-disabled={isBusy(peer, 'status')}
                    onClick={() => onActivate(peer)}
                  >
                    {isBusy(peer, 'status') ? t('peers.activating') : t('peers.activate')}
                    {named(peer)}
                  </button>
                )}
                <button type="button" className="button secondary small" onClick={() => onRemove(peer)}>
                  {t('peers.remove')}
                  {named(peer)}
                </button>
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </ScrollingTable>
  );
}
