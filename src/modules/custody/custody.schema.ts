import { Type } from 'typebox';

/** The API contract of the custody log. Hashes and entries travel as standard base64 (RFC 4648 §4, padded). */

const Size = (description: string) => Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description });
const Base64 = (description: string) => Type.String({ contentEncoding: 'base64', description });

export const CustodyCheckpoint = Type.Object(
  {
    origin: Type.String({ description: 'The log\'s name: "passage/<node id>/custody"' }),
    size: Size('Number of entries the checkpoint covers'),
    rootHash: Base64('RFC 9162 root hash of the tree of `size` entries'),
    note: Type.String({
      description:
        'The C2SP signed note: tlog-checkpoint text (origin, size, root hash), a blank line, the Ed25519 signature line',
    }),
    verifierKey: Type.String({ description: 'C2SP note verifier key of the node: <name>+<key id>+<base64 key>' }),
    fingerprint: Type.String({ description: 'SHA256:<unpadded base64 of SHA-256 of the raw public key>' }),
    signedAt: Type.String({ format: 'date-time' }),
  },
  { $id: 'CustodyCheckpoint', description: 'A signed checkpoint of the custody log' },
);

const CheckpointRef = Type.Ref('CustodyCheckpoint');

export const InclusionQuery = Type.Object(
  {
    index: Size('The entry, numbered from 0'),
    size: Type.Optional(Size('Tree size to prove against (default: the latest checkpoint)')),
  },
  { additionalProperties: false },
);

export const InclusionProof = Type.Object({
  index: Type.Integer(),
  size: Type.Integer(),
  leafHash: Base64('SHA-256(0x00 ‖ entry)'),
  proof: Type.Array(Base64('A sibling hash'), { description: 'RFC 9162 §2.1.3 audit path, leaf first' }),
  checkpoint: CheckpointRef,
});

export const ConsistencyQuery = Type.Object(
  {
    old: Size('The older tree size'),
    new: Type.Optional(Size('The newer tree size (default: the latest checkpoint)')),
  },
  { additionalProperties: false },
);

export const ConsistencyProof = Type.Object({
  oldSize: Type.Integer(),
  newSize: Type.Integer(),
  proof: Type.Array(Base64('A subtree hash'), { description: 'RFC 9162 §2.1.4 consistency proof' }),
  oldCheckpoint: CheckpointRef,
  newCheckpoint: CheckpointRef,
});

export const EntryParams = Type.Object({ index: Size('The entry, numbered from 0') });

export const CustodyEntry = Type.Object({
  index: Type.Integer(),
  entry: Base64('The exact bytes of the entry (UTF-8 JSON of a custody event, decision 0004)'),
  leafHash: Base64('SHA-256(0x00 ‖ entry)'),
});
