import { describe, expect, it } from 'vitest';
import { CustodyFormatError, parseCustodyEntry } from './bag-custody.ts';
import { custodyActor, encodeCustodyEntry } from './custody-events.ts';

const SHA = 'ab'.repeat(32);
const ENTRY = {
  node: 'node-it',
  item: '01J0000000000000000000000',
  sha256: SHA,
  event: 'collected' as const,
  actor: 'user:01J1111111111111111111111',
  at: '2026-03-04T09:15:00.000Z',
  reason: null,
};
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('custody entries', () => {
  it('are the UTF-8 JSON of decision 0004, in its key order and without spaces, whatever order they are given in', () => {
    const shuffled = {
      reason: 'investigation',
      at: ENTRY.at,
      actor: ENTRY.actor,
      event: 'accessed' as const,
      sha256: SHA,
      item: ENTRY.item,
      node: ENTRY.node,
    };
    expect(text(encodeCustodyEntry(shuffled))).toBe(
      `{"v":1,"node":"node-it","item":"${ENTRY.item}","sha256":"${SHA}","event":"accessed",` +
        `"actor":"${ENTRY.actor}","at":"2026-03-04T09:15:00.000Z","reason":"investigation"}`,
    );
  });

  it('decode only from exactly those bytes', () => {
    const bytes = encodeCustodyEntry(ENTRY);
    expect(parseCustodyEntry(bytes)).toEqual({ v: 1, ...ENTRY });
    const json = text(bytes);
    const reject = (variant: string) =>
      expect(() => parseCustodyEntry(new TextEncoder().encode(variant)), variant).toThrow(CustodyFormatError);
    reject(json.replace('{"v":1,"node":"node-it"', '{"node":"node-it","v":1'));
    reject(json.replace(',"actor"', ', "actor"'));
    reject(json.replace('"collected"', '"lost"'));
    reject(json.replace('"reason":null', '"reason":null,"extra":1'));
    reject(json.replace(SHA, SHA.toUpperCase()));
    reject(json.replace('"v":1', '"v":2'));
    reject('not json');
    reject('[1]');
    expect(() => parseCustodyEntry(Uint8Array.of(0xff, 0xfe))).toThrow(CustodyFormatError);
  });

  it('name a user by id and the console operator as "console", never by name', () => {
    expect(custodyActor({ kind: 'user', userId: 'u1', memberships: [] })).toBe('user:u1');
    expect(custodyActor({ kind: 'operator', name: 'maria.rossi' })).toBe('console');
    expect(() => custodyActor({ kind: 'anonymous' })).toThrow();
  });
});
