import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  deriveEncryptionKey,
  type EncryptionJwk,
  encryptionJwk,
  parseEncryptionJwk,
  signEncryptionKey,
} from '../../lib/encryption-key.ts';
import { keyFingerprint } from '../../lib/key-fingerprint.ts';
import { isCountryCode } from '../../shared/countries.ts';

/**
 * The document a node publishes about itself at `/.well-known/passage-node`: who it is and the public keys its
 * messages are signed with. Another node's administrator adds it as a peer from this document, after checking a
 * key's fingerprint with this node's administrator out of band.
 */

export const NODE_DOCUMENT_PATH = '/.well-known/passage-node';
export const INBOX_PATH = '/federation/v1/inbox';

/** A node's public Ed25519 signing key as a JWK (RFC 8037), named by its fingerprint. */
export interface SigningJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
  kid: string;
  alg: 'EdDSA';
  use: 'sig';
  /**
   * Only on a retired key (after a rotation, `passage keys rotate-signing`): until when, in seconds since the epoch,
   * it still verifies the node's signatures. The current key has none.
   */
  exp?: number;
}

/** A key the node signed with before its current one, kept for verification for a grace period. */
export interface RetiredSigningKey {
  jwk: SigningJwk;
  retiredAt: string;
  validUntil: string;
  /** The retired key's signature over the key that replaced it (key-endorsement.ts). */
  endorsement: string;
}

export interface NodeDocument {
  nodeId: string;
  name: string;
  /** ISO 3166-1 alpha-2; a node without a configured country publishes null and cannot be added as a peer. */
  country: string | null;
  keys: SigningJwk[];
  /** Each retired key's endorsement of the key that replaced it: how a peer learns the new key (key-endorsement.ts). */
  keyEndorsements?: string[];
  /**
   * The X25519 key other nodes encrypt personal data to (cross-border referrals), derived from the signing key. A
   * node built before referrals publishes none.
   */
  encryptionKey?: EncryptionJwk;
  /** The signing key's signature over the encryption key (`signEncryptionKey`), base64url. */
  encryptionKeySignature?: string;
  /** Paths relative to the node's base URL: a node does not reliably know the URL others reach it by. */
  endpoints: { inbox: string };
}

/** A document fetched from another node, checked: every field is present and well formed. */
export interface PeerDocument extends Omit<NodeDocument, 'encryptionKey' | 'encryptionKeySignature'> {
  country: string;
  encryptionKey: EncryptionJwk | null;
  encryptionKeySignature: string | null;
}

export const NODE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,62}$/;
const MAX_NAME_LENGTH = 200;
const MAX_KEYS = 8;
const MAX_ENDORSEMENT_LENGTH = 2048;
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_PATH_LENGTH = 200;

export function signingJwk(publicKey: KeyObject): SigningJwk {
  const { x } = publicKey.export({ format: 'jwk' });
  return { kty: 'OKP', crv: 'Ed25519', x: x as string, kid: keyFingerprint(publicKey), alg: 'EdDSA', use: 'sig' };
}

export function nodeDocument(node: {
  nodeId: string;
  name: string;
  country: string | null;
  signingKey: KeyObject;
  /** Retired keys still in their grace period; the newest are published when there are more than fit. */
  retired?: readonly RetiredSigningKey[];
}): NodeDocument {
  const encryptionKey = encryptionJwk(deriveEncryptionKey(node.signingKey));
  const retired = (node.retired ?? []).slice(-(MAX_KEYS - 1));
  return {
    nodeId: node.nodeId,
    name: node.name,
    country: node.country,
    keys: [
      signingJwk(createPublicKey(node.signingKey)),
      ...retired.map((key) => ({ ...key.jwk, exp: Math.floor(Date.parse(key.validUntil) / 1000) })),
    ],
    ...(retired.length > 0 ? { keyEndorsements: retired.map((key) => key.endorsement) } : {}),
    // Derived from and signed by the current key only: the retired ones sign nothing new.
    encryptionKey,
    encryptionKeySignature: signEncryptionKey(node.nodeId, encryptionKey, node.signingKey),
    endpoints: { inbox: INBOX_PATH },
  };
}

/** Why a fetched document was refused, in words its administrator can act on. */
export class NodeDocumentError extends Error {}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks a document fetched from another node and returns exactly the fields Passage uses. Members it does not know
 * are ignored, so that a newer node can publish more; the ones it knows must be right, or it throws.
 */
export function parseNodeDocument(value: unknown): PeerDocument {
  if (!isObject(value)) throw new NodeDocumentError('it is not a JSON object');
  const { nodeId, name, country, keys, endpoints, encryptionKey, encryptionKeySignature, keyEndorsements } = value;
  if (typeof nodeId !== 'string' || !NODE_ID_PATTERN.test(nodeId)) {
    throw new NodeDocumentError('nodeId must be 2–63 lower-case letters, digits or hyphens');
  }
  if (
    typeof name !== 'string' ||
    name.trim() === '' ||
    name.length > MAX_NAME_LENGTH ||
    // The name is shown in tables and terminals: no control characters that could rewrite what is shown.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses
    /[\u0000-\u001f\u007f-\u009f]/.test(name)
  ) {
    throw new NodeDocumentError(`name must be 1–${MAX_NAME_LENGTH} characters of printable text`);
  }
  if (typeof country !== 'string' || !isCountryCode(country)) {
    throw new NodeDocumentError('country must be an ISO 3166-1 alpha-2 code such as "RO"');
  }
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_KEYS) {
    throw new NodeDocumentError(`keys must be a list of 1 to ${MAX_KEYS} public keys`);
  }
  if (
    keyEndorsements !== undefined &&
    (!Array.isArray(keyEndorsements) ||
      keyEndorsements.length > MAX_KEYS ||
      !keyEndorsements.every(
        (jws) => typeof jws === 'string' && jws.length <= MAX_ENDORSEMENT_LENGTH && COMPACT_JWS.test(jws),
      ))
  ) {
    throw new NodeDocumentError(`keyEndorsements must be a list of at most ${MAX_KEYS} compact JWS`);
  }
  if (!isObject(endpoints) || !isEndpointPath(endpoints.inbox)) {
    throw new NodeDocumentError('endpoints.inbox must be a path beginning with "/"');
  }
  const encryption = encryptionKey === undefined ? null : parseEncryptionJwk(encryptionKey);
  if (typeof encryption === 'string') throw new NodeDocumentError(`encryptionKey ${encryption}`);
  if (
    encryption &&
    (typeof encryptionKeySignature !== 'string' || !/^[A-Za-z0-9_-]{86}$/.test(encryptionKeySignature))
  ) {
    throw new NodeDocumentError(
      'encryptionKeySignature must be the signing key’s Ed25519 signature of the encryption key',
    );
  }
  return {
    nodeId,
    name: name.trim(),
    country,
    keys: keys.map((key, i) => parseSigningJwk(key, i)),
    ...(keyEndorsements === undefined ? {} : { keyEndorsements: keyEndorsements as string[] }),
    encryptionKey: encryption,
    encryptionKeySignature: encryption ? (encryptionKeySignature as string) : null,
    endpoints: { inbox: endpoints.inbox },
  };
}

export function parseSigningJwk(value: unknown, index: number): SigningJwk {
  const problem = (what: string) => new NodeDocumentError(`keys[${index}] ${what}`);
  if (!isObject(value)) throw problem('is not a JSON object');
  if (value.kty !== 'OKP' || value.crv !== 'Ed25519') throw problem('is not an Ed25519 key (kty "OKP", crv "Ed25519")');
  if ('d' in value) throw problem('holds a private key: publish only the public key');
  if (value.alg !== undefined && value.alg !== 'EdDSA') throw problem('has an alg other than "EdDSA"');
  if (value.use !== undefined && value.use !== 'sig') throw problem('has a use other than "sig"');
  const { x, kid } = value;
  // 43 base64url characters hold 32 bytes; the round trip refuses other spellings of the same key.
  if (
    typeof x !== 'string' ||
    !/^[A-Za-z0-9_-]{43}$/.test(x) ||
    Buffer.from(x, 'base64url').toString('base64url') !== x
  ) {
    throw problem('has no 32-byte public key in x');
  }
  let fingerprint: string;
  try {
    fingerprint = keyFingerprint(createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' }));
  } catch {
    throw problem('is not a valid Ed25519 public key');
  }
  // The fingerprint computed here is not shown: an administrator adding the peer must not be handed one to copy.
  if (kid !== fingerprint) throw problem('has a kid that is not its fingerprint');
  const { exp } = value;
  if (exp !== undefined && !(Number.isSafeInteger(exp) && (exp as number) > 0)) {
    throw problem('has an exp that is not a positive whole number of seconds');
  }
  const jwk: SigningJwk = { kty: 'OKP', crv: 'Ed25519', x, kid: fingerprint, alg: 'EdDSA', use: 'sig' };
  return exp === undefined ? jwk : { ...jwk, exp: exp as number };
}

/** A path on the node's own origin: not `//host` (another origin), and nothing that would change the URL's meaning. */
function isEndpointPath(value: unknown): value is string {
  return (
    typeof value === 'string' &&
    value.length <= MAX_PATH_LENGTH &&
    /^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/.test(value) &&
    !value.startsWith('//') &&
    !value.split('/').some((segment) => segment === '..' || segment === '.')
  );
}
