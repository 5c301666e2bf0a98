import { type ReactNode, useCallback, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeading } from '../../components/PageHeading.tsx';
import { Loaded, useResource } from '../../components/useResource.tsx';
import { useCountryName } from '../../i18n/format.ts';
import { MessageHistory } from './MessageHistory.tsx';
import { PeersSection } from './PeersSection.tsx';
import { type NodeIdentity, type Peer, peersApi } from './peers-api.ts';

/**
 * Federation for the node administrator: this node's key fingerprint to read out to other nodes' administrators, the
 * trust list of peer nodes, and the signed messages exchanged with them.
 */
export function PeersPage() {
  const { t } = useTranslation();
  const identity = useResource(useCallback(() => peersApi.identity(), []));
  const peers = useResource(useCallback(() => peersApi.list(), []));
  // A ping adds a message to the history; the history loads again when this changes.
  const [exchanges, setExchanges] = useState(0);

  const update = (change: (current: Peer[]) => Peer[]) => {
    if (peers.data) peers.set(change(peers.data));
  };

  return (
    <>
      <PageHeading title={t('nav.peers')} />
      <p>{t('peers.intro')}</p>
      <IdentitySection>
        <Loaded resource={identity}>{(node) => <IdentityDetails node={node} />}</Loaded>
      </IdentitySection>
      <PeersSection
        peers={peers}
        onAdded={(added) => update((current) => [...current, added].sort(byNodeId))}
        onChanged={(changed) =>
          update((current) => current.map((peer) => (peer.nodeId === changed.nodeId ? changed : peer)))
        }
        onRemoved={(nodeId) => update((current) => current.filter((peer) => peer.nodeId !== nodeId))}
        onPinged={() => setExchanges((n) => n + 1)}
      />
      <MessageHistory peers={peers.data ?? []} exchanges={exchanges} />
    </>
  );
}

// The server's order, kept when a peer is added.
const byNodeId = (a: Peer, b: Peer) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0);

function IdentitySection({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const ids = useId();
  return (
    <section aria-labelledby={`${ids}-title`} className="section">
      <h2 id={`${ids}-title`}>{t('peers.identity.title')}</h2>
      {children}
    </section>
  );
}

function IdentityDetails({ node }: { node: NodeIdentity }) {
  const { t } = useTranslation();
  const countryName = useCountryName();
  return (
    <>
      <dl className="facts">
        <div>
          <dt>{t('peers.nodeId')}</dt>
          <dd className="identifier">{node.nodeId}</dd>
        </div>
        <div>
          <dt>{t('peers.name')}</dt>
          <dd>
            <bdi>{node.name}</bdi>
          </dd>
        </div>
        <div>
          <dt>{t('peers.country')}</dt>
          <dd>{node.country ? `${countryName(node.country)} (${node.country})` : '—'}</dd>
        </div>
      </dl>
      <dl className="key">
        <div>
          <dt>{t('peers.identity.fingerprint')}</dt>
          <dd>
            <code dir="ltr" className="fingerprint">
              {node.fingerprint}
            </code>
          </dd>
        </div>
      </dl>
      <p>{t('peers.identity.readOut')}</p>
    </>
  );
}
