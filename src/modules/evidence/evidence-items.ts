/**
 * What other modules may do with evidence items in their own transaction (`q`): read an item, its custody events,
 * file names and lineage, find the items of cases, file an item received from another node, and hold stored content
 * while deciding whether to remove it. Everything a person does with evidence goes through EvidenceService, which
 * checks policy and records custody.
 */
export type { CustodyEventRow, EvidenceItemRow } from './evidence.repository.ts';
export {
  eventsOf,
  fileNames,
  findItem,
  insertItem,
  isReferenced,
  itemIdsOfCases,
  lineage,
  lockContent,
} from './evidence.repository.ts';
