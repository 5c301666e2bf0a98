/**
 * Builds the body of a `passage.evidence.transfer` (transfer-bundle.ts): reads each item's content and its custody
 * events from the log, each with its inclusion proof against the latest signed checkpoint. Reads only, outside any
 * transaction: the transfer is written afterwards in one.
 */

import type { Db } from '../../db/client.ts';
import { AppError } from '../../lib/errors.ts';
import type { CustodyLogService } from '../custody/index.ts';
import type { BlobStore } from '../evidence/index.ts';
import { evidenceItems } from '../evidence/index.ts';
import type { TransferContext } from './evidence-transfers.schema.ts';
import { type TransferBody, travellingEvent } from './transfer-bundle.ts';

/** Reads the items' content and their custody events, proven against the latest signed checkpoint. */
export async function buildTransferBody(
  from: { db: Db; custody: CustodyLogService; store: BlobStore },
  transferId: string,
  context: TransferContext,
  items: evidenceItems.EvidenceItemRow[],
): Promise<TransferBody> {
  const checkpoint = await from.custody.checkpoint();
  const events = (
    await evidenceItems.eventsOf(
      from.db,
      items.map((i) => i.id),
    )
  ).filter((e) => e.index < checkpoint.size);
  const bundled = [];
  for (const item of items) {
    const custody = [];
    for (const { index } of events.filter((e) => e.itemId === item.id)) {
      const [entry] = await from.custody.entries(index, index + 1);
      const proof = await from.custody.inclusionProof(index, checkpoint.size);
      custody.push(travellingEvent({ index, entry: entry as Uint8Array, proof }));
    }
    bundled.push({
      id: item.id,
      title: item.title,
      fileName: item.fileName,
      mediaType: item.mediaType,
      size: item.size,
      sha256: item.sha256,
      handlingCode: item.handlingCode,
      handlingNote: item.handlingNote ?? null,
      sourceReliability: item.sourceReliability ?? null,
      informationAccuracy: item.informationAccuracy ?? null,
      description: item.description ?? null,
      content: (await contentOf(from.store, item)).toString('base64'),
      custody,
    });
  }
  return { transferId, context, items: bundled, checkpoint: checkpoint.note };
}

async function contentOf(store: BlobStore, item: evidenceItems.EvidenceItemRow): Promise<Buffer> {
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of await store.read(item.sha256, { verify: { size: item.size } })) {
      chunks.push(chunk as Buffer);
    }
  } catch {
    throw new AppError(
      'evidence_content_missing',
      500,
      'The stored content of an item is missing or damaged. An administrator should run the integrity check.',
    );
  }
  return Buffer.concat(chunks);
}
