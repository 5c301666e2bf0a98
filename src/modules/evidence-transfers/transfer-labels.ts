/**
 * What a person knows a transfer by (issue 15 item 5): the other node's name and the reference of the case it
 * belongs to, instead of a node id and a ULID. The case reference is given only to a caller who may read that case:
 * on the sending side the case the items came from, on the receiving side the case they were accepted into.
 */
import type { Queryable } from '../../db/client.ts';
import { can } from '../../shared/policy.ts';
import type { RequestContext } from '../audit/index.ts';
import { type CaseAccess, caseReferences } from '../cases/index.ts';
import type { EvidenceService } from '../evidence/index.ts';
import type { TransferRecord } from './evidence-transfers.repository.ts';

export interface TransferLabel {
  peerName: string | null;
  caseReference: string | null;
}

export interface LabelSources {
  access: CaseAccess;
  evidence: EvidenceService;
  /** The peer's name as this node knows it (null: no longer a peer). */
  peerName(nodeId: string): Promise<string | null>;
}

/** The case a transfer belongs to on this node: the accepted case, or the case of the items sent (one case). */
async function caseOf(q: Queryable, sources: LabelSources, t: TransferRecord): Promise<string | null> {
  if (t.direction === 'in') return t.caseId;
  const cases = new Set<string>();
  for (const item of t.items) {
    const found = await sources.evidence.items.find(q, item.id);
    if (found) cases.add(found.caseId);
  }
  // Items of several cases name no one case.
  return cases.size === 1 ? ([...cases][0] ?? null) : null;
}

export async function transferLabels(
  q: Queryable,
  sources: LabelSources,
  ctx: RequestContext,
  transfers: readonly TransferRecord[],
): Promise<Map<string, TransferLabel>> {
  const names = new Map<string, string | null>();
  for (const peer of new Set(transfers.map((t) => t.peer))) names.set(peer, await sources.peerName(peer));
  const caseIds = new Map<string, string>();
  const readable = new Map<string, boolean>();
  for (const t of transfers) {
    const caseId = await caseOf(q, sources, t);
    if (!caseId) continue;
    if (!readable.has(caseId)) {
      // Asked without recording a refusal: a reference she may not see is left out, the transfer still listed.
      const row = await sources.access.load(q, caseId).catch(() => null);
      const allowed = row
        ? can(ctx.actor, 'case.read', await sources.access.resourceOf(q, ctx.actor, row)).allowed
        : false;
      readable.set(caseId, allowed);
    }
    if (readable.get(caseId)) caseIds.set(t.id, caseId);
  }
  const references = await caseReferences(q, [...new Set(caseIds.values())]);
  return new Map(
    transfers.map((t) => {
      const caseId = caseIds.get(t.id);
      return [
        t.id,
        { peerName: names.get(t.peer) ?? null, caseReference: caseId ? (references.get(caseId) ?? null) : null },
      ];
    }),
  );
}
