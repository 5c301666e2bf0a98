import { HASH_BYTES } from './merkle.ts';

/**
 * C2SP tlog-checkpoint body: the note text a log signs to commit to its size and root hash. Parsing is strict
 * because two spellings of one checkpoint (leading zeros, loose base64) would let a log equivocate unnoticed.
 */

export interface Checkpoint {
  /** Names the log; verifiers check it so a checkpoint of one log cannot pass for another's. */
  origin: string;
  size: number;
  rootHash: Uint8Array;
  /** Optional lines after the root hash, without their newlines. */
  extensions?: string[];
}

export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

export function formatCheckpoint({ origin, size, rootHash, extensions = [] }: Checkpoint): string {
  if (!isLine(origin)) throw new CheckpointError('checkpoint origin must be one non-empty line');
  if (!Number.isSafeInteger(size) || size < 0) throw new CheckpointError('checkpoint size must be a whole number');
  if (rootHash.length !== HASH_BYTES) throw new CheckpointError(`checkpoint root hash must be ${HASH_BYTES} bytes`);
  if (!extensions.every(isLine)) throw new CheckpointError('checkpoint extension lines must be non-empty lines');
  const root = Buffer.from(rootHash).toString('base64');
  return [origin, String(size), root, ...extensions].map((line) => `${line}\n`).join('');
}

export function parseCheckpoint(text: string): Required<Checkpoint> {
  if (!text.endsWith('\n')) throw new CheckpointError('checkpoint must end with a newline');
  const [origin, size, root, ...extensions] = text.slice(0, -1).split('\n');
  if (origin === undefined || size === undefined || root === undefined) {
    throw new CheckpointError('checkpoint needs origin, size and root hash lines');
  }
  if (origin === '') throw new CheckpointError('checkpoint origin is empty');
  // Canonical decimal: no sign, no leading zeros, nothing a second parser could read differently.
  if (!/^(0|[1-9][0-9]*)$/.test(size) || !Number.isSafeInteger(Number(size))) {
    throw new CheckpointError('checkpoint size is not a canonical decimal number');
  }
  const rootHash = Buffer.from(root, 'base64');
  if (rootHash.length !== HASH_BYTES || rootHash.toString('base64') !== root) {
    throw new CheckpointError(`checkpoint root hash is not base64 of ${HASH_BYTES} bytes`);
  }
  if (extensions.some((line) => line === '')) throw new CheckpointError('checkpoint has an empty extension line');
  return { origin, size: Number(size), rootHash: new Uint8Array(rootHash), extensions };
}

function isLine(s: string): boolean {
  return s !== '' && !s.includes('\n');
}
