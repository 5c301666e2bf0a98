/**
 * What other modules may do with evidence items in their own transaction (`q`): read an item, its custody events,
 * file names and lineage, find the items of cases, file an item received from another node, and hold stored content
 * while deciding whether to remove it. Everything a person does with evidence goes through EvidenceService, which
 * checks policy and records custody.
 */
export type { CustodyEventRow, EvidenceItemRow } from './evidence.repository.ts';
// `findItem` gives the row as stored, its free text sealed (enough for its case, hashes and custody); an item's
// metadata opened, its file names, and filing an item go through EvidenceService.items (evidence-vault.ts).
export {
  eventsOf,
  findItem,
  isReferenced,
  itemIdsOfCases,
  lineage,
  lockContent,
} from './evidence.repository.ts';
