import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signEndorsement, trustDocumentKeys } from './key-endorsement.ts';
import { type PeerDocument, parseNodeDocument, type SigningJwk, signingJwk } from './node-document.ts';

const NOW = new Date('2026-06-01T12:00:00Z');
const LATER = Math.floor(NOW.getTime() / 1000) + 86_400;

const keyPair = () => generateKeyPairSync('ed25519').privateKey;
const jwk = (key: KeyObject, exp?: number): SigningJwk => ({
  ...signingJwk(createPublicKey(key)),
  ...(exp === undefined ? {} : { exp }),
});

function document(keys: SigningJwk[], keyEndorsements: string[], nodeId = 'node-md'): PeerDocument {
  return parseNodeDocument({
    nodeId,
    name: 'Passage Moldova',
    country: 'MD',
    keys,
    keyEndorsements,
    endpoints: { inbox: '/federation/v1/inbox' },
  });
}

const kids = (keys: SigningJwk[] | undefined) => keys?.map((key) => key.kid);

describe('trusting a peer’s new signing key', () => {
  const [k0, k1, k2] = [keyPair(), keyPair(), keyPair()];

  it('follows a chain of endorsements from a trusted key (K0 → K1 → K2)', async () => {
    const doc = document(
      [jwk(k2), jwk(k1, LATER), jwk(k0, LATER)],
      [await signEndorsement('node-md', k1, k0, NOW), await signEndorsement('node-md', k2, k1, NOW)],
    );
    const trusted = await trustDocumentKeys(doc, [jwk(k0)], NOW);
    expect(kids(trusted?.keys)).toEqual(kids([jwk(k2), jwk(k1), jwk(k0)]));
    expect(trusted?.keys.map((key) => key.exp)).toEqual([undefined, LATER, LATER]);
  });

  it('takes nothing when the new key is endorsed by a key it does not trust, or for another node', async () => {
    const stranger = keyPair();
    const byStranger = document(
      [jwk(k1), jwk(stranger, LATER), jwk(k0, LATER)],
      [await signEndorsement('node-md', k1, stranger, NOW)],
    );
    expect(await trustDocumentKeys(byStranger, [jwk(k0)], NOW)).toBeNull();
    const otherNode = document([jwk(k1), jwk(k0, LATER)], [await signEndorsement('node-ro', k1, k0, NOW)]);
    expect(await trustDocumentKeys(otherNode, [jwk(k0)], NOW)).toBeNull();
    // An endorsement by a trusted key that has expired here counts for nothing.
    const endorsed = document([jwk(k1), jwk(k0, LATER)], [await signEndorsement('node-md', k1, k0, NOW)]);
    expect(await trustDocumentKeys(endorsed, [jwk(k0, LATER - 86_400 - 1)], NOW)).toBeNull();
  });

  it('never lengthens the life of a retired key beyond what was stored', async () => {
    const doc = document([jwk(k1), jwk(k0, LATER + 10_000)], [await signEndorsement('node-md', k1, k0, NOW)]);
    const trusted = await trustDocumentKeys(doc, [jwk(k0, LATER)], NOW);
    expect(trusted?.keys.find((key) => key.kid === jwk(k0).kid)?.exp).toBe(LATER);
  });

  it('refuses a published exp that is not a whole number of seconds, and too many endorsements', () => {
    expect(() => document([jwk(k1), { ...jwk(k0), exp: -1 }], [])).toThrow(/exp/);
    expect(() =>
      document(
        [jwk(k1)],
        Array.from({ length: 9 }, () => 'a.b.c'),
      ),
    ).toThrow(/keyEndorsements/);
  });
});
