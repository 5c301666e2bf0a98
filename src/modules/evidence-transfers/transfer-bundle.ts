/**
 * The bundle of an evidence transfer (docs/federation.md, passage.evidence.transfer): items with their content, and
 * for each the custody events of the sender's log with their inclusion proofs against one signed checkpoint. The
 * receiver verifies it with the sender's key before it accepts anything. The custody parts are those of an evidence
 * bag (decision 0004): the same event encoding and the same strict parsers, so that a transfer proves exactly what a
 * bag proves. No database and no network here.
 */
import { createHash, type KeyObject } from 'node:crypto';
import { parseCheckpoint } from '../../lib/checkpoint.ts';
import { leafHash, verifyInclusion } from '../../lib/merkle.ts';
import { openNote, parseVerifierKey, vkeyString } from '../../lib/signed-note.ts';
import type { InformationAccuracy, SourceReliability } from '../../shared/evidence.ts';
import { custodyOrigin } from '../custody/index.ts';
import { type BagCustodyEvent, formatEventLine, parseCustodyEntry, parseEventLine } from '../evidence/index.ts';
import type { VerificationProblem } from './evidence-transfers.schema.ts';

/** One custody event as it travels: the log entry's bytes and its inclusion proof, in base64. */
export interface TravellingEvent {
  index: number;
  entry: string;
  proof: string[];
}

/** What a transfer says of an item, without its content. */
export interface TransferItemMeta {
  id: string;
  title: string;
  fileName: string;
  mediaType: string;
  size: number;
  sha256: string;
  handlingCode: 'H0' | 'H1' | 'H2' | 'H3';
  handlingNote: string | null;
  /** The provider's SIENA grading; absent from a node that did not send it yet. */
  sourceReliability?: SourceReliability | null;
  informationAccuracy?: InformationAccuracy | null;
  description: string | null;
  custody: TravellingEvent[];
}

export interface TransferItem extends TransferItemMeta {
  /** The content in base64. */
  content: string;
}

export interface TransferBody {
  transferId: string;
  context: { kind: 'mla' | 'jit' | 'case'; ref: string };
  items: TransferItem[];
  checkpoint: string;
}

/** The largest message an inbox takes (docs/federation.md). */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
/** Room for the envelope, the JWS header and the signature around the body. */
const ENVELOPE_BYTES = 1024;

/** The event in the encoding of an evidence bag's custody/events.jsonl line. */
export function travellingEvent(event: BagCustodyEvent): TravellingEvent {
  return JSON.parse(formatEventLine(event)) as TravellingEvent;
}

/**
 * The size of the signed message that carries `body`: a compact JWS holds the payload JSON in base64url. An
 * estimate from above, so that what is built is what the peer's inbox takes.
 */
export function messageBytes(body: object): number {
  return Math.ceil((Buffer.byteLength(JSON.stringify(body)) * 4) / 3) + ENVELOPE_BYTES;
}

/** A lower bound of `messageBytes` from the content sizes alone, to refuse before reading any content. */
export function contentBytesBound(sizes: readonly number[]): number {
  const base64 = sizes.reduce((sum, size) => sum + Math.ceil(size / 3) * 4, 0);
  return Math.ceil((base64 * 4) / 3);
}

export interface BundleToVerify {
  /** The sending node, whose custody log the events must come from. */
  from: string;
  checkpoint: string;
  items: readonly (TransferItemMeta & { content: Uint8Array })[];
}

/**
 * Verifies a received bundle against the sender's keys: the checkpoint is signed by the sender's custody log, each
 * event's inclusion proof leads to the checkpoint's root, each entry is one the sender's log wrote about this item
 * and its SHA-256, every item has at least one event, and each content has the item's size and SHA-256.
 */
export function verifyBundle(bundle: BundleToVerify, senderKeys: readonly KeyObject[]): VerificationProblem[] {
  const problems: VerificationProblem[] = [];
  const checkpoint = verifyCheckpoint(bundle, senderKeys, problems);
  for (const item of bundle.items) {
    const digest = createHash('sha256').update(item.content).digest('hex');
    if (item.content.byteLength !== item.size || digest !== item.sha256) {
      problems.push({
        check: 'content',
        item: item.id,
        message: 'The content does not have the size and SHA-256 sent.',
      });
    }
    if (item.custody.length === 0) {
      problems.push({ check: 'custody_entry', item: item.id, message: 'The item comes with no custody event.' });
    }
    for (const travelling of item.custody) {
      const problem = eventProblem(bundle.from, item, travelling, checkpoint);
      if (problem) problems.push({ ...problem, item: item.id });
    }
  }
  return problems;
}

type Checkpoint = ReturnType<typeof parseCheckpoint>;

function verifyCheckpoint(
  bundle: BundleToVerify,
  keys: readonly KeyObject[],
  problems: VerificationProblem[],
): Checkpoint | undefined {
  const origin = custodyOrigin(bundle.from);
  const fail = (message: string) => {
    problems.push({ check: 'checkpoint', message });
    return undefined;
  };
  let checkpoint: Checkpoint;
  try {
    checkpoint = parseCheckpoint(bundle.checkpoint.slice(0, bundle.checkpoint.lastIndexOf('\n\n') + 1));
  } catch (error) {
    return fail(`The checkpoint is not a signed checkpoint: ${(error as Error).message}.`);
  }
  if (checkpoint.origin !== origin) return fail(`The checkpoint is of log "${checkpoint.origin}", not ${origin}.`);
  const verifiers = keys.map((key) => parseVerifierKey(vkeyString(origin, key)));
  try {
    openNote(bundle.checkpoint, verifiers);
  } catch (error) {
    return fail(`The checkpoint's signature does not verify with ${bundle.from}'s key: ${(error as Error).message}.`);
  }
  return checkpoint;
}

function eventProblem(
  from: string,
  item: TransferItemMeta,
  travelling: TravellingEvent,
  checkpoint: Checkpoint | undefined,
): Omit<VerificationProblem, 'item'> | undefined {
  const where = `Custody event ${travelling.index}`;
  let event: BagCustodyEvent;
  try {
    event = parseEventLine(JSON.stringify(travelling));
  } catch (error) {
    return { check: 'custody_entry', message: `${where} is malformed: ${(error as Error).message}.` };
  }
  if (!checkpoint) return { check: 'inclusion_proof', message: `${where} cannot be checked without a checkpoint.` };
  if (!verifyInclusion(leafHash(event.entry), event.index, checkpoint.size, event.proof, checkpoint.rootHash)) {
    return { check: 'inclusion_proof', message: `${where}'s inclusion proof does not lead to the checkpoint's root.` };
  }
  try {
    const entry = parseCustodyEntry(event.entry);
    if (entry.node !== from) return { check: 'custody_entry', message: `${where} was written by ${entry.node}.` };
    if (entry.item !== item.id || entry.sha256 !== item.sha256) {
      return { check: 'custody_entry', message: `${where} is about another item or another content.` };
    }
  } catch (error) {
    return { check: 'custody_entry', message: `${where} is not a custody entry: ${(error as Error).message}.` };
  }
  return undefined;
}
