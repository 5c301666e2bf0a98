import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyId, NoteError, openNote, parseVerifierKey, signNote, vkeyString } from './signed-note.ts';

// Interop vectors from Go's golang.org/x/mod/sumdb/note (note_test.go: TestNewVerifier, TestSign, TestOpen).
const PETER_SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const PETER_VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const ENOCH_VKEY = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_SIG =
  '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const ENOCH_SIG =
  '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

/** Go's signer keys carry the Ed25519 seed after the algorithm byte; PKCS#8 wraps a seed with a fixed prefix. */
function privateKeyFromGoSkey(skey: string) {
  return privateKeyFromSeed(Buffer.from(skey.split('+').slice(4).join('+'), 'base64').subarray(1));
}

function privateKeyFromSeed(seed: Buffer) {
  const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
}

/** Go slices strings by bytes, and the em dash is three of them: mangle the UTF-8 bytes as its test does. */
function insertAtByte(s: string, at: number, insert: string): string {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([bytes.subarray(0, at), Buffer.from(insert), bytes.subarray(at)]).toString('utf8');
}

const peterKey = privateKeyFromGoSkey(PETER_SKEY);
const peter = parseVerifierKey(PETER_VKEY);
const enoch = parseVerifierKey(ENOCH_VKEY);

describe('signed note: Go sumdb/note interop', () => {
  it('derives the key id and verifier key of the Go vectors', () => {
    expect(peter).toMatchObject({ name: 'PeterNeumann', keyId: 0xc74f20a3 });
    expect(enoch.keyId).toBe(0xaf0cfe78);
    expect(keyId('PeterNeumann', createPublicKey(peterKey))).toBe(0xc74f20a3);
    expect(vkeyString('PeterNeumann', createPublicKey(peterKey))).toBe(PETER_VKEY);
    expect(vkeyString('EnochRoot', enoch.publicKey)).toBe(ENOCH_VKEY);
  });

  it('computes the key id as SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)[:4]', () => {
    const raw = Buffer.from(PETER_VKEY.split('+')[2] ?? '', 'base64');
    const digest = createHash('sha256').update('PeterNeumann\n').update(raw).digest();
    expect(digest.readUInt32BE(0)).toBe(peter.keyId);
  });

  it('signs exactly as Go does', () => {
    expect(signNote(TEXT, [{ name: 'PeterNeumann', privateKey: peterKey }])).toBe(`${TEXT}\n${PETER_SIG}`);
  });

  it('verifies known keys and ignores unknown ones', () => {
    const note = `${TEXT}\n${PETER_SIG}${ENOCH_SIG}`;
    expect(openNote(note, [peter])).toEqual({ text: TEXT, verifiedBy: ['PeterNeumann'] });
    expect(openNote(note, [peter, enoch]).verifiedBy).toEqual(['PeterNeumann', 'EnochRoot']);
    expect(openNote(`${TEXT}\n${PETER_SIG}${PETER_SIG}`, [peter]).verifiedBy).toEqual(['PeterNeumann']);
    expect(() => openNote(note, [])).toThrow('note has no verifiable signatures');
    expect(() => openNote(`${TEXT}\n${ENOCH_SIG}`, [enoch, peter, enoch])).toThrow('ambiguous key');
  });

  it('refuses a bad signature by a known key', () => {
    const note = `${TEXT}\n${insertAtByte(PETER_SIG, 60, 'ABCD')}`;
    expect(() => openNote(note, [peter])).toThrow('invalid signature for key PeterNeumann+c74f20a3');
  });

  it('refuses the malformed notes of the Go tests', () => {
    const bad = [
      TEXT,
      `${TEXT}\n`,
      `${TEXT}\n${PETER_SIG.slice(0, -1)}`,
      `\x01${TEXT}\n${PETER_SIG}`,
      `${TEXT}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${TEXT}\n${PETER_SIG}Unexpected line.\n`,
      `${TEXT}\n${PETER_SIG.repeat(101)}`,
    ];
    for (const note of bad) expect(() => openNote(note, [peter])).toThrow(NoteError);
  });

  it('refuses every mangling of a verifier key', () => {
    const bad = [
      'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==',
      'PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
    ];
    for (let i = 0; i <= PETER_VKEY.length; i++) {
      for (let j = i + 1; j <= PETER_VKEY.length; j++) {
        if (i !== 0 || j !== PETER_VKEY.length) bad.push(PETER_VKEY.slice(i, j));
      }
    }
    for (let i = 0; i < PETER_VKEY.length; i++) {
      bad.push(PETER_VKEY.slice(0, i) + String.fromCharCode(PETER_VKEY.charCodeAt(i) + 1) + PETER_VKEY.slice(i + 1));
    }
    for (const vkey of bad) expect(() => parseVerifierKey(vkey), vkey).toThrow();
  });
});

describe('signed note: own keys', () => {
  const custodian = generateKeyPairSync('ed25519');
  const witness = generateKeyPairSync('ed25519');
  const signers = [
    { name: 'passage.example/custody', privateKey: custodian.privateKey },
    { name: 'witness.example', privateKey: witness.privateKey },
  ];
  const verifiers = [
    parseVerifierKey(vkeyString('passage.example/custody', custodian.publicKey)),
    parseVerifierKey(vkeyString('witness.example', witness.publicKey)),
  ];
  const text = 'passage.example/custody\n3\nq83vASNFZ4mrze8BI0VniavN7wEjRWeJq83vASNFZ4k=\n';

  it('round-trips a note with two signers', () => {
    const note = signNote(text, signers);
    expect(note.split('\n— ')).toHaveLength(3);
    expect(openNote(note, verifiers)).toEqual({ text, verifiedBy: ['passage.example/custody', 'witness.example'] });
    expect(openNote(note, verifiers.slice(1)).verifiedBy).toEqual(['witness.example']);
  });

  it('refuses tampered text and tampered signatures', () => {
    const note = signNote(text, signers);
    expect(() => openNote(note.replace('\n3\n', '\n4\n'), verifiers)).toThrow('invalid signature');
    const lastLine = note.lastIndexOf('— ');
    const tampered = `${note.slice(0, lastLine)}— witness.example ${flipLastSignatureByte(note.slice(lastLine))}\n`;
    expect(() => openNote(tampered, verifiers)).toThrow('invalid signature for key witness.example');
  });

  it('parses a verifier key whose base64 contains a plus sign', () => {
    // The seed 0x08… gives a public key whose base64 holds `+`; only the first two `+` separate fields.
    const publicKey = createPublicKey(privateKeyFromSeed(Buffer.alloc(32, 8)));
    const vkey = vkeyString('k', publicKey);
    expect(vkey).toBe('k+55d9cee6+AROY9ixtGkV8UbpqS189vS9p/KkyFiGNyJl+QWvRfZPK');
    expect(parseVerifierKey(vkey)).toMatchObject({ name: 'k', keyId: 0x55d9cee6 });
  });

  it('refuses key names with spaces or plus signs and text without a final newline', () => {
    for (const name of ['', 'a b', 'a+b', 'tab\there']) {
      expect(() => vkeyString(name, custodian.publicKey)).toThrow(NoteError);
      expect(() => signNote(text, [{ name, privateKey: custodian.privateKey }])).toThrow(NoteError);
    }
    expect(() => signNote('no newline', signers)).toThrow(NoteError);
    expect(() => signNote('bell\x07\n', signers)).toThrow(NoteError);
  });
});

function flipLastSignatureByte(line: string): string {
  const bytes = Buffer.from(line.trimEnd().split(' ')[2] ?? '', 'base64');
  bytes[bytes.length - 1] = (bytes.at(-1) ?? 0) ^ 1;
  return bytes.toString('base64');
}
