/**
 * What an owner node sends for its cases: the survivor's CLK (when consent covers linkage), and under the group's
 * legal basis each perpetrator's CLK and phone tokens. Identity is decrypted here, in-process, and goes no further
 * than the encoder: what leaves is a CLK or a keyed token under a random reference, never a value.
 */
import { createHash } from 'node:crypto';
import type { Queryable } from '../../db/client.ts';
import type { FieldMap, FieldValue } from '../../shared/case-fields.ts';
import { consentCovers } from '../../shared/consent.ts';
import type { CaseRow, CasesService } from '../cases/index.ts';
import type { ClkEncoder } from '../linkage-engine/index.ts';
import { IdentifierTokenError, type IdentifierTokeniser, RecordValueError } from '../linkage-engine/index.ts';
import type { IdentityReader, SurvivorsService } from '../survivors/index.ts';
import type { RecordKind } from './linkage-network.schema.ts';

/** One record as it would be sent, before it gets its reference. */
export interface Candidate {
  kind: RecordKind;
  /** Which record of this node: `person:<id>`, or `phone:<person id>:<field>`. */
  subject: string;
  caseId: string;
  personId: string;
  clk?: string;
  token?: string;
  /** Changes whenever what is sent would change (another value, secret or schema). */
  digest: string;
}

export interface Encoders {
  survivor?: ClkEncoder;
  perpetrator?: ClkEncoder;
  tokens?: IdentifierTokeniser;
  /** Binds digests to the secret and schemas: a rotation makes every record new. */
  salt: string;
}

const PHONE_FIELDS = ['prs_MobilePhone', 'prs_HomePhone'] as const;

const text = (value: FieldValue | undefined): string => (typeof value === 'string' ? value.trim() : '');
const joined = (...values: (FieldValue | undefined)[]) => values.map(text).filter(Boolean).join(' ');

/** HTCDS gender as the schema's sex feature; other values stay missing rather than guessed. */
function sexOf(gender: FieldValue | undefined): string {
  if (gender === 'Feminine') return 'F';
  if (gender === 'Masculine') return 'M';
  return '';
}

/** The first citizenship (alphabetically, so that the order it was entered in does not matter). */
function citizenshipOf(value: FieldValue | undefined): string {
  const list = Array.isArray(value) ? [...value].sort() : typeof value === 'string' ? [value] : [];
  return list[0] ?? '';
}

/** The survivor schema's values, in its feature order. */
export function survivorValues(identity: FieldMap, attributes: FieldMap): string[] {
  return [
    joined(identity.prs_FirstName, identity.prs_MiddleName),
    text(identity.prs_SecondName),
    text(identity.prs_Birthdate),
    sexOf(attributes.prs_Gender),
    citizenshipOf(attributes.prs_Citizenship),
    text(identity.psg_PlaceOfBirth),
  ];
}

/** The perpetrator schema's values: names; HTCDS holds no agency name for a perpetrator, so it stays missing. */
export function perpetratorValues(identity: FieldMap): string[] {
  return [joined(identity.prs_FirstName, identity.prs_MiddleName), text(identity.prs_SecondName), ''];
}

const digestOf = (salt: string, kind: RecordKind, sent: string) =>
  createHash('sha256').update(`${salt}\n${kind}\n${sent}`).digest('hex');

function clkCandidate(
  encoder: ClkEncoder,
  values: string[],
  base: Omit<Candidate, 'digest' | 'clk'>,
  salt: string,
): Candidate | null {
  if (values.every((v) => v === '')) return null;
  let clk: string;
  try {
    clk = Buffer.from(encoder.encode(values)).toString('base64');
  } catch (error) {
    // A value the schema refuses (a malformed date): the record is left out rather than sent half-encoded.
    if (error instanceof RecordValueError) return null;
    throw error;
  }
  return { ...base, clk, digest: digestOf(salt, base.kind, clk) };
}

/**
 * The records of one case, decrypting its people's identity in-process. The survivor is included only when consent
 * covers linkage; perpetrators only when the encoders include theirs (the group records a legal basis).
 */
export async function caseCandidates(
  q: Queryable,
  people: { reader: IdentityReader; survivors: SurvivorsService; cases: CasesService },
  found: CaseRow,
  enc: Encoders,
): Promise<Candidate[]> {
  const out: Candidate[] = [];
  if (enc.survivor) {
    const person = await people.reader.read(q, found.survivorId);
    const covered = consentCovers(await people.survivors.consentsWithin(q, found.survivorId), 'linkage').covered;
    if (person?.identity && covered) {
      const identity = person.identity;
      const base = { kind: 'survivor' as const, subject: `person:${person.id}`, caseId: found.id, personId: person.id };
      const c = clkCandidate(enc.survivor, survivorValues(identity, person.attributes), base, enc.salt);
      if (c) out.push(c);
    }
  }
  if (enc.perpetrator && enc.tokens) {
    for (const p of await people.cases.perpetrators(q, found.id)) {
      const person = await people.reader.read(q, p.personId);
      if (!person?.identity) continue;
      const identity = person.identity;
      const base = { caseId: found.id, personId: person.id };
      const c = clkCandidate(
        enc.perpetrator,
        perpetratorValues(identity),
        { ...base, kind: 'perpetrator', subject: `person:${person.id}` },
        enc.salt,
      );
      if (c) out.push(c);
      out.push(...phoneCandidates(enc.tokens, identity, base, enc.salt));
    }
  }
  return out;
}

function phoneCandidates(
  tokens: IdentifierTokeniser,
  identity: FieldMap,
  base: { caseId: string; personId: string },
  salt: string,
): Candidate[] {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  for (const field of PHONE_FIELDS) {
    const phone = text(identity[field]);
    if (!phone) continue;
    let token: string;
    try {
      token = tokens.token('phone', phone);
    } catch (error) {
      if (error instanceof IdentifierTokenError) continue;
      throw error;
    }
    if (seen.has(token)) continue;
    seen.add(token);
    out.push({
      ...base,
      kind: 'phone',
      subject: `phone:${base.personId}:${field}`,
      token,
      digest: digestOf(salt, 'phone', token),
    });
  }
  return out;
}
