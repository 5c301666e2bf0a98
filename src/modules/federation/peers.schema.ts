import { type Static, Type } from 'typebox';

/** The API contract of the node's public document and its trust list of peers. */

const NodeId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{1,62}$', description: 'A node id, e.g. node-ro' });
const Fingerprint = (description: string) =>
  Type.String({ pattern: '^SHA256:[A-Za-z0-9+/]{43}$', description: `${description}: SHA256:<unpadded base64>` });

export const NodeDocument = Type.Object(
  {
    nodeId: NodeId,
    name: Type.String(),
    country: Type.Union([Type.String({ description: 'ISO 3166-1 alpha-2' }), Type.Null()]),
    keys: Type.Array(
      Type.Object({
        kty: Type.Literal('OKP'),
        crv: Type.Literal('Ed25519'),
        x: Type.String({ description: 'The raw public key, base64url' }),
        kid: Fingerprint('The fingerprint of the key'),
        alg: Type.Literal('EdDSA'),
        use: Type.Literal('sig'),
        exp: Type.Optional(
          Type.Integer({
            description:
              'Only on a key retired by a rotation: until when (seconds since the epoch) it still verifies the ' +
              "node's signatures",
          }),
        ),
      }),
      { description: "The node's public signing keys as JWKs (RFC 8037): the current key, then retired ones" },
    ),
    keyEndorsements: Type.Optional(
      Type.Array(Type.String(), {
        description:
          'Compact JWS (typ passage-key-endorsement+jws), each signed by a retired key over ' +
          '{nodeId, kid, x, at} of the key that replaced it: how a peer that trusts the old key learns the new one',
      }),
    ),
    encryptionKey: Type.Optional(
      Type.Object(
        {
          kty: Type.Literal('OKP'),
          crv: Type.Literal('X25519'),
          x: Type.String({ description: 'The raw public key, base64url' }),
          kid: Fingerprint('The fingerprint of the key'),
          use: Type.Literal('enc'),
        },
        { description: 'The X25519 key other nodes encrypt personal data to (cross-border referrals)' },
      ),
    ),
    encryptionKeySignature: Type.Optional(
      Type.String({
        description:
          'Ed25519 signature (base64url) by the signing key over "passage encryption key v1\\n<nodeId>\\n<x>": ' +
          'the encryption key is the node’s as surely as the signing key checked out of band',
      }),
    ),
    endpoints: Type.Object({
      inbox: Type.String({ description: "Path of the node's federation inbox, relative to its base URL" }),
    }),
  },
  { description: 'What a node publishes about itself for other nodes' },
);

export const NodeIdentity = Type.Object({
  nodeId: NodeId,
  name: Type.String(),
  country: Type.Union([Type.String({ description: 'ISO 3166-1 alpha-2' }), Type.Null()]),
  fingerprint: Fingerprint("The fingerprint of the node's signing key, to read out to other nodes' administrators"),
});
export type NodeIdentity = Static<typeof NodeIdentity>;

export const Peer = Type.Object(
  {
    nodeId: NodeId,
    name: Type.String(),
    country: Type.String({ description: 'ISO 3166-1 alpha-2' }),
    baseUrl: Type.String({ description: 'The URL the peer was added by, without a trailing slash' }),
    inboxUrl: Type.String({ description: "The peer's federation inbox" }),
    fingerprint: Fingerprint('The fingerprint the administrator was given out of band'),
    keyIds: Type.Array(Type.String(), { description: 'The fingerprints of the keys the peer published' }),
    status: Type.Union([Type.Literal('active'), Type.Literal('suspended')], {
      description: 'Messages from a suspended peer are refused',
    }),
    addedAt: Type.String({ format: 'date-time' }),
    addedBy: Type.String({ description: 'user:<id> or operator:<name>' }),
    statusChangedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { $id: 'Peer', description: 'A node this node trusts' },
);
export type Peer = Static<typeof Peer>;

/** An active peer as the directory lists it, for addressing referrals, MLA requests and JITs. */
export const PeerEntry = Type.Object({ nodeId: Type.String(), name: Type.String(), country: Type.String() });
export type PeerEntry = Static<typeof PeerEntry>;

export const NewPeer = Type.Object(
  {
    url: Type.String({
      minLength: 1,
      maxLength: 2000,
      description: "The peer's base URL, e.g. https://passage.example",
    }),
    fingerprint: Type.String({
      minLength: 1,
      maxLength: 100,
      description: "The fingerprint of the peer's key, as its administrator gave it out of band",
    }),
  },
  { additionalProperties: false },
);

export const PeerParams = Type.Object({ nodeId: Type.String({ minLength: 1, maxLength: 63 }) });
