/** A cross-border referral as the API shows it: without its sealed fields, consent basis and sealed reason. */
import type { Queryable } from '../../db/client.ts';
import type { PeersService } from '../federation/index.ts';
import { peopleNames } from '../user-accounts/index.ts';
import * as repo from './cross-border-referrals.repository.ts';

interface ReferralView
  extends Omit<repo.XbReferralRow, 'sealed' | 'consentBasis' | 'consentId' | 'statusReasonSealed'> {}

export interface CrossBorderView extends ReferralView {
  peerName: string | null;
  offeredByName: string | null;
}

const presentReferral = (r: repo.XbReferralRow): ReferralView => {
  const { sealed: _sealed, consentBasis: _basis, consentId: _consent, statusReasonSealed: _reason, ...view } = r;
  return view;
};

/**
 * Names for actor references (issue 15: names, not ids): this node's people by their name, a node by the name this
 * node knows it by; null for what this node cannot name (a person of the other node, a former peer).
 */
export async function actorNamer(q: Queryable, peers: Pick<PeersService, 'find'>, actors: readonly string[]) {
  const ref = (actor: string, kind: string) => (actor.startsWith(`${kind}:`) ? actor.slice(kind.length + 1) : null);
  const people = await peopleNames(q, [...new Set(actors.flatMap((a) => ref(a, 'user') ?? []))]);
  const nodes = new Map<string, string | null>();
  for (const nodeId of new Set(actors.flatMap((a) => ref(a, 'node') ?? []))) {
    nodes.set(nodeId, (await peers.find(nodeId))?.name ?? null);
  }
  return (actor: string): string | null => {
    const user = ref(actor, 'user');
    if (user) return people.get(user)?.name ?? null;
    return nodes.get(ref(actor, 'node') ?? '') ?? null;
  };
}

/**
 * For the case list's "Referred by" (a port of the cases module): the name of the node each received case came from,
 * the first one when several referred it; its id when it is no longer a peer. No policy check: for rows the list
 * already lets the caller see.
 */
export async function caseSenders(
  q: Queryable,
  peers: Pick<PeersService, 'find'>,
  caseIds: readonly string[],
): Promise<Map<string, string>> {
  const senders = new Map<string, string>();
  for (const { caseId, peer } of await repo.sendersOf(q, caseIds)) if (!senders.has(caseId)) senders.set(caseId, peer);
  const name = await actorNamer(
    q,
    peers,
    [...senders.values()].map((peer) => `node:${peer}`),
  );
  return new Map([...senders].map(([caseId, peer]) => [caseId, name(`node:${peer}`) ?? peer]));
}

/** Referrals as the API shows them, the other node and whoever offered it named. */
export async function presentReferrals(
  q: Queryable,
  peers: Pick<PeersService, 'find'>,
  rows: readonly repo.XbReferralRow[],
): Promise<CrossBorderView[]> {
  const name = await actorNamer(
    q,
    peers,
    rows.flatMap((r) => [`node:${r.peer}`, r.offeredBy]),
  );
  return rows.map((r) => ({
    ...presentReferral(r),
    peerName: name(`node:${r.peer}`),
    offeredByName: name(r.offeredBy),
  }));
}
