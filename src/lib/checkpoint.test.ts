import { describe, expect, it } from 'vitest';
import { CheckpointError, formatCheckpoint, parseCheckpoint } from './checkpoint.ts';
import { leafHash, rootHash } from './merkle.ts';

// A plain Uint8Array, as parseCheckpoint returns, so that toEqual compares like with like.
const root = new Uint8Array(rootHash([leafHash(Buffer.from('seized phone, exhibit 1'))]));
const rootB64 = Buffer.from(root).toString('base64');

describe('checkpoint', () => {
  it('formats the origin, decimal size and base64 root, one per line', () => {
    expect(formatCheckpoint({ origin: 'passage.example/custody', size: 1, rootHash: root })).toBe(
      `passage.example/custody\n1\n${rootB64}\n`,
    );
  });

  it('round-trips with extension lines', () => {
    const checkpoint = { origin: 'passage.example/custody', size: 1234, rootHash: root, extensions: ['ext one'] };
    const text = formatCheckpoint(checkpoint);
    expect(text).toBe(`passage.example/custody\n1234\n${rootB64}\next one\n`);
    expect(parseCheckpoint(text)).toEqual(checkpoint);
    expect(parseCheckpoint(`o\n0\n${rootB64}\n`)).toEqual({ origin: 'o', size: 0, rootHash: root, extensions: [] });
  });

  it('parses the C2SP tlog-checkpoint example', () => {
    // The body of the example in c2sp.org/tlog-checkpoint.
    const text = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
    const parsed = parseCheckpoint(text);
    expect(parsed).toMatchObject({ origin: 'example.com/behind-the-sofa', size: 20852163, extensions: [] });
    expect(formatCheckpoint(parsed)).toBe(text);
  });

  it.each([
    ['no final newline', `o\n1\n${rootB64}`],
    ['missing root line', 'o\n1\n'],
    ['empty origin', `\n1\n${rootB64}\n`],
    ['leading zero', `o\n01\n${rootB64}\n`],
    ['sign', `o\n+1\n${rootB64}\n`],
    ['non-decimal size', `o\n0x10\n${rootB64}\n`],
    ['size beyond 2^53', `o\n9007199254740993\n${rootB64}\n`],
    ['short root', `o\n1\n${Buffer.alloc(31).toString('base64')}\n`],
    ['unpadded root', `o\n1\n${rootB64.replace(/=$/, '')}\n`],
    ['url-safe root', `o\n1\n${Buffer.alloc(32, 0xfb).toString('base64url')}=\n`],
    ['empty extension line', `o\n1\n${rootB64}\n\n`],
  ])('refuses %s', (_, text) => {
    expect(() => parseCheckpoint(text)).toThrow(CheckpointError);
  });

  it('refuses to format what it could not parse back', () => {
    expect(() => formatCheckpoint({ origin: '', size: 1, rootHash: root })).toThrow(CheckpointError);
    expect(() => formatCheckpoint({ origin: 'a\nb', size: 1, rootHash: root })).toThrow(CheckpointError);
    expect(() => formatCheckpoint({ origin: 'o', size: -1, rootHash: root })).toThrow(CheckpointError);
    expect(() => formatCheckpoint({ origin: 'o', size: 1.5, rootHash: root })).toThrow(CheckpointError);
    expect(() => formatCheckpoint({ origin: 'o', size: 1, rootHash: root.subarray(1) })).toThrow(CheckpointError);
    expect(() => formatCheckpoint({ origin: 'o', size: 1, rootHash: root, extensions: [''] })).toThrow(CheckpointError);
  });
});
