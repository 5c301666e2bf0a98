export {
  type BagCustodyEvent,
  type BagItemRecord,
  formatEventLine,
  parseCustodyEntry,
  parseEventLine,
} from './bag-custody.ts';
export { type BagCheck, type BagCheckKind, type BagReport, type ExpectedKey, verifyBag } from './bag-verify.ts';
export { type BagContents, type BagPayloadFile, writeBagDirectory, writeBagZip } from './bag-writer.ts';
export { type BlobStore, FileBlobStore, type PendingBlob } from './blob-store.ts';
export type { CustodyEntry } from './custody-events.ts';
export { evidenceRoutes, evidenceSchemas } from './evidence.routes.ts';
export { EvidenceService, formatBytes } from './evidence.service.ts';
export { type EvidenceFields, mediaTypeForName } from './evidence-input.ts';
export * as evidenceItems from './evidence-items.ts';
export { EvidencePackages } from './evidence-package.ts';
