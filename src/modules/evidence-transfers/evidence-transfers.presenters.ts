/** A transfer as the API shows it, with what a person knows it by (transfer-labels.ts). */
import type * as repo from './evidence-transfers.repository.ts';
import type { TransferLabel } from './transfer-labels.ts';

export type TransferView = ReturnType<typeof present>;
export type TransferDetail = ReturnType<typeof presentDetail>;

export function present(t: repo.TransferRecord, label: TransferLabel) {
  return {
    id: t.id,
    direction: t.direction,
    peer: t.peer,
    ...label,
    context: t.context,
    status: t.status,
    itemCount: t.items.length,
    caseId: t.caseId,
    declineReason: t.declineReason,
    createdAt: t.createdAt,
    decidedAt: t.decidedAt,
  };
}

export function presentDetail(t: repo.TransferRecord, label: TransferLabel) {
  return {
    ...present(t, label),
    checkpoint: t.checkpoint,
    items: t.items.map(({ custody, ...item }) => ({
      ...item,
      custodyEvents: custody.length,
      acceptedAs: t.acceptedItems?.[item.id] ?? null,
    })),
  };
}
