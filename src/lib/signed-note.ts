import { createHash, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

/**
 * C2SP signed-note with Ed25519 keys, byte-compatible with Go's golang.org/x/mod/sumdb/note so that checkpoints
 * of the custody log can be checked by standard transparency-log tooling (witnesses, monitors).
 */

const ALG_ED25519 = 0x01;
const KEY_BYTES = 32;
const SIGNATURE_BYTES = 64;
const SIG_PREFIX = '\u2014 ';
// Parsing a note is bounded work even when a hostile peer pads it with signature lines (Go's limit).
const MAX_SIGNATURES = 100;

export interface NoteSigner {
  name: string;
  privateKey: KeyObject;
}

export interface NoteVerifier {
  name: string;
  /** The first four bytes of the key hash, big-endian, as Go's `KeyHash()`. */
  keyId: number;
  publicKey: KeyObject;
}

export interface OpenedNote {
  text: string;
  /** Names of the known keys whose signatures verified, in the order they appear. */
  verifiedBy: string[];
}

export class NoteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NoteError';
  }
}

/** Key names end at a space in signature lines and at `+` in verifier keys, so neither may occur in one. */
export function isValidKeyName(name: string): boolean {
  // U+0085 is white space to Go's unicode.IsSpace but not to \s.
  return name !== '' && name.isWellFormed() && !/[\s\u0085+]/u.test(name);
}

export function keyId(name: string, publicKey: KeyObject): number {
  assertKeyName(name);
  const digest = createHash('sha256')
    .update(name)
    .update(Uint8Array.of(0x0a, ALG_ED25519))
    .update(rawPublicKey(publicKey))
    .digest();
  return digest.readUInt32BE(0);
}

/** `<name>+<hex key id>+<base64(0x01 ‖ public key)>`, the verifier key format of Go's `note` package. */
export function vkeyString(name: string, publicKey: KeyObject): string {
  const encoded = Buffer.concat([Uint8Array.of(ALG_ED25519), rawPublicKey(publicKey)]).toString('base64');
  return `${name}+${hex8(keyId(name, publicKey))}+${encoded}`;
}

export function parseVerifierKey(vkey: string): NoteVerifier {
  // Only the first two `+` separate fields: the base64 key may contain more.
  const [name, id, ...key64] = vkey.split('+');
  const encoded = key64.join('+');
  if (name === undefined || id === undefined || !isValidKeyName(name)) throw new NoteError('malformed verifier key');
  const key = strictBase64(encoded);
  if (!/^[0-9a-f]{8}$/.test(id) || key?.length !== 1 + KEY_BYTES || key[0] !== ALG_ED25519) {
    throw new NoteError('malformed verifier key');
  }
  const publicKey = createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: key.subarray(1).toString('base64url') },
    format: 'jwk',
  });
  const expected = keyId(name, publicKey);
  if (Number.parseInt(id, 16) !== expected) throw new NoteError('verifier key id does not match its key');
  return { name, keyId: expected, publicKey };
}

/** Signs `text` (which must end in a newline) with every signer; signatures cover the text only. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  assertText(text);
  if (signers.length === 0) throw new NoteError('a note needs at least one signer');
  const message = Buffer.from(text, 'utf8');
  const lines = signers.map(({ name, privateKey }) => {
    const id = Buffer.alloc(4);
    id.writeUInt32BE(keyId(name, createPublicKey(privateKey)));
    const signature = sign(null, message, privateKey);
    return `${SIG_PREFIX}${name} ${Buffer.concat([id, signature]).toString('base64')}\n`;
  });
  return `${text}\n${lines.join('')}`;
}

/**
 * Verifies a note against the known keys. Signatures by unknown keys are ignored (other parties, such as
 * witnesses, may cosign); a bad signature by a known key, or no known signature at all, refuses the note.
 */
export function openNote(note: string, verifiers: readonly NoteVerifier[]): OpenedNote {
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new NoteError('malformed note');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  assertText(text);
  if (!block.endsWith('\n') || hasControlCharacters(block)) throw new NoteError('malformed note');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) throw new NoteError('malformed note');

  const message = Buffer.from(text, 'utf8');
  const verifiedBy: string[] = [];
  const seen = new Set<NoteVerifier>();
  for (const line of lines) {
    const { name, id, signature } = parseSignatureLine(line);
    const matches = verifiers.filter((v) => v.name === name && v.keyId === id);
    if (matches.length > 1) throw new NoteError(`ambiguous key ${name}+${hex8(id)}`);
    const verifier = matches[0];
    if (!verifier || seen.has(verifier)) continue;
    seen.add(verifier);
    if (signature.length !== SIGNATURE_BYTES || !verify(null, message, verifier.publicKey, signature)) {
      throw new NoteError(`invalid signature for key ${name}+${hex8(id)}`);
    }
    verifiedBy.push(name);
  }
  if (verifiedBy.length === 0) throw new NoteError('note has no verifiable signatures');
  return { text, verifiedBy };
}

function parseSignatureLine(line: string): { name: string; id: number; signature: Buffer } {
  if (!line.startsWith(SIG_PREFIX)) throw new NoteError('malformed note');
  const rest = line.slice(SIG_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = rest.slice(0, space);
  const decoded = space < 0 ? undefined : strictBase64(rest.slice(space + 1));
  // Go requires a key id and at least one signature byte before it looks the key up.
  if (!isValidKeyName(name) || !decoded || decoded.length < 5) throw new NoteError('malformed note');
  return { name, id: decoded.readUInt32BE(0), signature: decoded.subarray(4) };
}

function assertText(text: string): void {
  if (!text.endsWith('\n') || !text.isWellFormed() || hasControlCharacters(text)) {
    throw new NoteError('note text must be UTF-8 without control characters and end with a newline');
  }
}

function assertKeyName(name: string): void {
  if (!isValidKeyName(name)) throw new NoteError('key name must be non-empty without spaces or "+"');
}

/** Only newlines are allowed: other control characters could hide text from a person reading the note. */
function hasControlCharacters(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code < 0x20 && code !== 0x0a) return true;
  }
  return false;
}

/** Node's base64 decoder skips invalid characters; a signature must decode to the bytes it spells, exactly. */
function strictBase64(s: string): Buffer | undefined {
  const bytes = Buffer.from(s, 'base64');
  return s !== '' && bytes.toString('base64') === s ? bytes : undefined;
}

function rawPublicKey(publicKey: KeyObject): Buffer {
  if (publicKey.asymmetricKeyType !== 'ed25519') throw new NoteError('signed notes use Ed25519 keys');
  const { x } = publicKey.export({ format: 'jwk' });
  return Buffer.from(x as string, 'base64url');
}

function hex8(id: number): string {
  return id.toString(16).padStart(8, '0');
}
