/**
 * Signing-key rotation as peers see it (docs/federation.md, "Key rotation"). When a node replaces its Ed25519 key,
 * the old key signs an **endorsement** of the new one; the node publishes its retired keys (with `exp`) beside the new
 * one, and the endorsements. A peer that trusts the old key thereby learns the new one without a new out-of-band
 * check; a key that no trusted key endorsed is never taken. No database and no network here.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { CompactSign, compactVerify, decodeProtectedHeader } from 'jose';
import { encryptionKeySigned } from '../../lib/encryption-key.ts';
import { keyFingerprint } from '../../lib/key-fingerprint.ts';
import type { PeerDocument, SigningJwk } from './node-document.ts';

export const ENDORSEMENT_TYP = 'passage-key-endorsement+jws';
/** How many endorsement links a peer follows in one document (K0 → K1 → K2 …): as many as a document has keys. */
const MAX_CHAIN = 8;

export interface Endorsement {
  nodeId: string;
  /** The fingerprint of the endorsed (new) key. */
  kid: string;
  /** The endorsed key's raw public key, base64url. */
  x: string;
  at: string;
}

/** The old key's signature over the new one: compact JWS, `kid` the old key's fingerprint. */
export function signEndorsement(nodeId: string, newKey: KeyObject, oldKey: KeyObject, at: Date): Promise<string> {
  const { x } = createPublicKey(newKey).export({ format: 'jwk' });
  const payload: Endorsement = {
    nodeId,
    kid: keyFingerprint(createPublicKey(newKey)),
    x: x as string,
    at: at.toISOString(),
  };
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'EdDSA', typ: ENDORSEMENT_TYP, kid: keyFingerprint(createPublicKey(oldKey)) })
    .sign(oldKey);
}

/** The endorsement's signer (`kid`), or null when it is not an endorsement at all. */
function signerOf(jws: string): string | null {
  try {
    const header = decodeProtectedHeader(jws);
    return header.alg === 'EdDSA' && header.typ === ENDORSEMENT_TYP && typeof header.kid === 'string'
      ? header.kid
      : null;
  } catch {
    return null;
  }
}

/** The endorsed key when `jws` verifies with `by` and names a key of `nodeId`; null otherwise. */
async function endorsed(jws: string, by: SigningJwk, nodeId: string): Promise<Endorsement | null> {
  try {
    const { payload } = await compactVerify(jws, toKey(by), { algorithms: ['EdDSA'] });
    const value = JSON.parse(new TextDecoder().decode(payload)) as Partial<Endorsement>;
    if (value.nodeId !== nodeId || typeof value.kid !== 'string' || typeof value.x !== 'string') return null;
    return value as Endorsement;
  } catch {
    return null;
  }
}

export const toKey = (jwk: SigningJwk): KeyObject =>
  createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });

/** Whether a key with `exp` (seconds) may still verify at `now`. A key without `exp` is the node's current one. */
export const isLive = (key: { exp?: number }, now: Date): boolean =>
  key.exp === undefined || key.exp * 1000 > now.getTime();

export interface TrustedDocumentKeys {
  keys: SigningJwk[];
  /** The encryption key, when the document's is signed by a trusted current key. */
  encryptionKeySignedBy: SigningJwk | null;
}

/**
 * The keys of `document` this node may trust, given the keys it trusts already (`trusted`, those live at `now`):
 * a document key is trusted when it is already, or when an endorsement by a trusted key names it (nodeId, kid, x),
 * following chains. Null when a current key of the document (one without `exp`) is not trusted: such a document
 * changes nothing. A retired key keeps the earlier of its stored and its published `exp`, so that a document cannot
 * lengthen the life of a key it retired.
 */
export async function trustDocumentKeys(
  document: PeerDocument,
  trusted: readonly SigningJwk[],
  now: Date,
): Promise<TrustedDocumentKeys | null> {
  const stored = new Map(trusted.filter((key) => isLive(key, now)).map((key) => [key.kid, key]));
  const published = new Map(document.keys.map((key) => [key.kid, key]));
  const known = new Map([...stored].filter(([kid]) => published.has(kid)));
  for (let round = 0; round < MAX_CHAIN; round++) {
    let grew = false;
    for (const jws of document.keyEndorsements ?? []) {
      const signer = known.get(signerOf(jws) ?? '');
      if (!signer) continue;
      const named = await endorsed(jws, signer, document.nodeId);
      const key = named ? published.get(named.kid) : undefined;
      if (!key || key.x !== named?.x || known.has(key.kid)) continue;
      known.set(key.kid, key);
      grew = true;
    }
    if (!grew) break;
  }
  const current = document.keys.filter((key) => key.exp === undefined);
  if (current.length === 0 || current.some((key) => !known.has(key.kid))) return null;
  const keys = document.keys
    .filter((key) => known.has(key.kid))
    .map((key) => {
      const before = stored.get(key.kid)?.exp;
      const exp = before === undefined ? key.exp : Math.min(before, key.exp ?? before);
      return exp === undefined ? withoutExp(key) : { ...withoutExp(key), exp };
    })
    .filter((key) => isLive(key, now));
  const encryptionKeySignedBy =
    document.encryptionKey && document.encryptionKeySignature
      ? (current.find((key) =>
          encryptionKeySigned(
            document.nodeId,
            document.encryptionKey as NonNullable<PeerDocument['encryptionKey']>,
            document.encryptionKeySignature as string,
            toKey(key),
          ),
        ) ?? null)
      : null;
  return { keys, encryptionKeySignedBy };
}

function withoutExp(key: SigningJwk): SigningJwk {
  const { exp: _exp, ...rest } = key;
  return rest;
}
