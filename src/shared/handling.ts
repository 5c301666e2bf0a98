/**
 * The SIENA handling code and grading (evidence.ts) that travel with whatever a node shares with another, not only
 * evidence: cross-border referrals, JIT entries, MLA requests. The sender sets them; the receiver keeps them as they
 * came and shows them. One definition, as a rule and as the schema fragments of the API and of the messages, so that
 * every module that shares says the same thing.
 */
import { Type } from 'typebox';
import {
  HANDLING_CODES,
  type HandlingCode,
  INFORMATION_ACCURACY,
  type InformationAccuracy,
  SOURCE_RELIABILITY,
  type SourceReliability,
} from './evidence.ts';

export interface Handling {
  handlingCode: HandlingCode;
  sourceReliability: SourceReliability | null;
  informationAccuracy: InformationAccuracy | null;
}

/**
 * H0 (use only for the purpose it was shared for) when the sender says nothing: what the sharing of case data under a
 * stated purpose means anyway. Grading stays unset rather than guessed.
 */
export const DEFAULT_HANDLING_CODE: HandlingCode = 'H0';

/** The handling a sender asked for (or a message carried), with the default filled in. */
export function handlingOf(given: Partial<Handling> | undefined): Handling {
  return {
    handlingCode: given?.handlingCode ?? DEFAULT_HANDLING_CODE,
    sourceReliability: given?.sourceReliability ?? null,
    informationAccuracy: given?.informationAccuracy ?? null,
  };
}

/** H2 (no dissemination): what was received under it is not passed on to another node. */
export const barsOnwardSharing = (code: string) => code === 'H2';

const HandlingCodeSchema = Type.Unsafe<HandlingCode>(
  Type.Union(
    HANDLING_CODES.map((c) => Type.Literal(c)),
    {
      description:
        'SIENA handling code: H0 purpose-restricted, H1 not for court without leave, H2 no onward sharing, H3 other',
    },
  ),
);
const ReliabilitySchema = Type.Unsafe<SourceReliability>(
  Type.Union(
    SOURCE_RELIABILITY.map((c) => Type.Literal(c)),
    { description: 'SIENA source reliability (A reliable … X cannot be assessed)' },
  ),
);
const AccuracySchema = Type.Unsafe<InformationAccuracy>(
  Type.Integer({ minimum: 1, maximum: INFORMATION_ACCURACY.length, description: 'SIENA information accuracy 1–4' }),
);

/** Properties of a request body (and of a message body, where an older peer may leave them out): all optional. */
export const handlingInput = {
  handlingCode: Type.Optional(HandlingCodeSchema),
  sourceReliability: Type.Optional(Type.Union([ReliabilitySchema, Type.Null()])),
  informationAccuracy: Type.Optional(Type.Union([AccuracySchema, Type.Null()])),
};

/** Properties of a response: the code always, the grading or null. */
export const handlingView = {
  handlingCode: HandlingCodeSchema,
  sourceReliability: Type.Union([ReliabilitySchema, Type.Null()]),
  informationAccuracy: Type.Union([AccuracySchema, Type.Null()]),
};
