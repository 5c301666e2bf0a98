import { describe, expect, it } from 'vitest';
import { AppError } from '../lib/errors.ts';
import {
  assessRisk,
  CURRENT_RISK_INSTRUMENT,
  RISK_INSTRUMENTS,
  type RiskAssessmentError,
  type RiskLevel,
  type RiskProblem,
  type RiskResult,
  riskChange,
} from './risk.ts';

const V1 = 'passage-risk-v1';

/** Answers that raise nothing. */
const CALM: Readonly<Record<string, string>> = {
  immediate_danger: 'no',
  threats_to_family: 'no',
  trafficker_knows_location: 'no',
  contact_with_trafficker: 'no',
  minor: 'no',
  previous_trafficking: 'no',
  debt_bondage: 'no',
  no_safe_accommodation: 'no',
  documents_confiscated: 'no',
  immigration_status: 'regular',
  pregnancy: 'no',
  serious_health_condition: 'no',
  substance_dependence: 'no',
};

const assess = (changes: Record<string, string>): RiskResult => assessRisk(V1, { ...CALM, ...changes });

function problemsOf(run: () => unknown): { error: RiskAssessmentError; problems: readonly RiskProblem[] } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    const risk = error as RiskAssessmentError;
    expect(risk.id).toBe('risk_assessment_invalid');
    expect(risk.status).toBe(400);
    expect(risk.details).toEqual({ problems: risk.problems });
    return { error: risk, problems: risk.problems };
  }
  throw new Error('expected a RiskAssessmentError');
}

// Version 1 as agreed: changing a weight here means a new instrument version, not an edit of v1.
// [question, answer, points, level when it is the only answer that raises anything, forces high]
const V1_ANSWERS: readonly [string, string, number, RiskLevel, boolean][] = [
  ['immediate_danger', 'yes', 15, 'high', true],
  ['immediate_danger', 'no', 0, 'low', false],
  ['immediate_danger', 'unknown', 1, 'low', false],
  ['threats_to_family', 'yes', 12, 'high', true],
  ['threats_to_family', 'no', 0, 'low', false],
  ['threats_to_family', 'unknown', 1, 'low', false],
  ['trafficker_knows_location', 'yes', 10, 'medium', false],
  ['trafficker_knows_location', 'no', 0, 'low', false],
  ['trafficker_knows_location', 'unknown', 1, 'low', false],
  ['contact_with_trafficker', 'yes', 10, 'medium', false],
  ['contact_with_trafficker', 'no', 0, 'low', false],
  ['contact_with_trafficker', 'unknown', 1, 'low', false],
  ['minor', 'yes', 10, 'medium', false],
  ['minor', 'no', 0, 'low', false],
  ['minor', 'unknown', 1, 'low', false],
  ['previous_trafficking', 'yes', 8, 'medium', false],
  ['previous_trafficking', 'no', 0, 'low', false],
  ['previous_trafficking', 'unknown', 1, 'low', false],
  ['debt_bondage', 'yes', 8, 'medium', false],
  ['debt_bondage', 'no', 0, 'low', false],
  ['debt_bondage', 'unknown', 1, 'low', false],
  ['no_safe_accommodation', 'yes', 8, 'medium', false],
  ['no_safe_accommodation', 'no', 0, 'low', false],
  ['no_safe_accommodation', 'unknown', 1, 'low', false],
  ['documents_confiscated', 'yes', 6, 'low', false],
  ['documents_confiscated', 'no', 0, 'low', false],
  ['documents_confiscated', 'unknown', 1, 'low', false],
  ['immigration_status', 'regular', 0, 'low', false],
  ['immigration_status', 'irregular', 6, 'low', false],
  ['immigration_status', 'asylum_seeker', 3, 'low', false],
  ['immigration_status', 'unknown', 1, 'low', false],
  ['pregnancy', 'yes', 4, 'low', false],
  ['pregnancy', 'no', 0, 'low', false],
  ['pregnancy', 'unknown', 1, 'low', false],
  ['serious_health_condition', 'yes', 4, 'low', false],
  ['serious_health_condition', 'no', 0, 'low', false],
  ['serious_health_condition', 'unknown', 1, 'low', false],
  ['substance_dependence', 'yes', 4, 'low', false],
  ['substance_dependence', 'no', 0, 'low', false],
  ['substance_dependence', 'unknown', 1, 'low', false],
];

describe('risk instruments', () => {
  it('keeps every version under its own id, the current one included', () => {
    expect(CURRENT_RISK_INSTRUMENT).toBe(V1);
    expect(RISK_INSTRUMENTS[CURRENT_RISK_INSTRUMENT]).toBeDefined();
    for (const [key, instrument] of Object.entries(RISK_INSTRUMENTS)) {
      expect(instrument.id).toBe(key);
      expect(instrument.thresholds.medium).toBeGreaterThan(0);
      expect(instrument.thresholds.high).toBeGreaterThan(instrument.thresholds.medium);
    }
  });

  it('gives every question a stable snake_case id, short labels and an unknown answer', () => {
    for (const instrument of Object.values(RISK_INSTRUMENTS)) {
      const ids = instrument.questions.map((question) => question.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const question of instrument.questions) {
        expect(question.id).toMatch(/^[a-z]+(_[a-z]+)*$/);
        expect(question.label.length).toBeGreaterThan(0);
        expect(question.label.length).toBeLessThanOrEqual(40);
        expect(question.answers.map((answer) => answer.value)).toContain('unknown');
        if (question.answerType === 'yes_no_unknown') {
          expect(question.answers.map((answer) => answer.value)).toEqual(['yes', 'no', 'unknown']);
        }
        for (const answer of question.answers) {
          expect(answer.value).toMatch(/^[a-z]+(_[a-z]+)*$/);
          expect(answer.label.length).toBeGreaterThan(0);
          expect(answer.label.length).toBeLessThanOrEqual(40);
          expect(Number.isInteger(answer.points) && answer.points >= 0).toBe(true);
        }
      }
    }
  });

  it('has a row below for every answer of v1, and no more', () => {
    const defined = RISK_INSTRUMENTS[V1]?.questions.flatMap((question) =>
      question.answers.map((answer) => `${question.id}=${answer.value}`),
    );
    expect(V1_ANSWERS.map(([question, answer]) => `${question}=${answer}`).sort()).toEqual(defined?.sort());
    expect(Object.keys(CALM).sort()).toEqual(RISK_INSTRUMENTS[V1]?.questions.map((question) => question.id).sort());
  });
});

describe('assessRisk', () => {
  it('scores answers that raise nothing as low, with no reasons', () => {
    expect(assessRisk(V1, CALM)).toStrictEqual({
      instrument: V1,
      score: 0,
      level: 'low',
      reasons: [],
      safetyPlanRequired: false,
    });
  });

  it.each(V1_ANSWERS)('scores %s = %s as %i points (%s)', (question, answer, points, level, forced) => {
    const result = assess({ [question]: answer });
    expect(result.score).toBe(points);
    expect(result.level).toBe(level);
    expect(result.safetyPlanRequired).toBe(level === 'high');
    expect(result.reasons).toStrictEqual(
      points > 0 ? [{ question, answer, points, ...(forced ? { forcedHigh: true } : {}) }] : [],
    );
  });

  it('makes the level high on a forcing answer whatever the total', () => {
    const danger = assess({ immediate_danger: 'yes' });
    expect(danger.score).toBeLessThan(20);
    expect(danger).toMatchObject({ level: 'high', safetyPlanRequired: true });
    const family = assess({ threats_to_family: 'yes', immigration_status: 'regular' });
    expect(family).toMatchObject({ score: 12, level: 'high', safetyPlanRequired: true });
    // The same points without a forcing answer stay medium.
    expect(assess({ minor: 'yes', pregnancy: 'unknown', substance_dependence: 'unknown' })).toMatchObject({
      score: 12,
      level: 'medium',
      safetyPlanRequired: false,
    });
    expect(assess({ threats_to_family: 'unknown' }).level).toBe('low');
  });

  it('puts the levels at their thresholds', () => {
    const at = (changes: Record<string, string>) => {
      const { score, level, safetyPlanRequired } = assess(changes);
      return { score, level, safetyPlanRequired };
    };
    expect(at({ documents_confiscated: 'yes', pregnancy: 'unknown' })).toEqual({
      score: 7,
      level: 'low',
      safetyPlanRequired: false,
    });
    expect(at({ documents_confiscated: 'yes', pregnancy: 'unknown', minor: 'unknown' })).toEqual({
      score: 8,
      level: 'medium',
      safetyPlanRequired: false,
    });
    expect(at({ trafficker_knows_location: 'yes', debt_bondage: 'yes', pregnancy: 'unknown' })).toEqual({
      score: 19,
      level: 'medium',
      safetyPlanRequired: false,
    });
    expect(
      at({ trafficker_knows_location: 'yes', debt_bondage: 'yes', pregnancy: 'unknown', minor: 'unknown' }),
    ).toEqual({ score: 20, level: 'high', safetyPlanRequired: true });
  });

  it('rates a child in contact with the trafficker, and debt with documents and status held, high', () => {
    expect(assess({ minor: 'yes', contact_with_trafficker: 'yes' })).toMatchObject({ score: 20, level: 'high' });
    expect(
      assess({ debt_bondage: 'yes', documents_confiscated: 'yes', immigration_status: 'irregular' }),
    ).toMatchObject({ score: 20, level: 'high' });
  });

  it('counts uncertainty, but nothing but unknowns is medium, not high', () => {
    const unknowns = Object.fromEntries(Object.keys(CALM).map((question) => [question, 'unknown']));
    const result = assessRisk(V1, unknowns);
    expect(result).toMatchObject({ score: 13, level: 'medium', safetyPlanRequired: false });
    expect(result.reasons).toHaveLength(13);
  });

  it('explains with the answers that raised the score, most points first, ties in question order', () => {
    const result = assess({
      substance_dependence: 'yes',
      documents_confiscated: 'unknown',
      debt_bondage: 'yes',
      threats_to_family: 'yes',
      previous_trafficking: 'yes',
      immigration_status: 'asylum_seeker',
      minor: 'no',
    });
    expect(result.reasons).toStrictEqual([
      { question: 'threats_to_family', answer: 'yes', points: 12, forcedHigh: true },
      { question: 'previous_trafficking', answer: 'yes', points: 8 },
      { question: 'debt_bondage', answer: 'yes', points: 8 },
      { question: 'substance_dependence', answer: 'yes', points: 4 },
      { question: 'immigration_status', answer: 'asylum_seeker', points: 3 },
      { question: 'documents_confiscated', answer: 'unknown', points: 1 },
    ]);
    expect(result.score).toBe(36);
    expect(result.reasons.reduce((sum, reason) => sum + reason.points, 0)).toBe(result.score);
  });

  it('rejects an unknown instrument, including names inherited from Object', () => {
    for (const id of ['passage-risk-v0', 'constructor', '__proto__', '']) {
      const { problems } = problemsOf(() => assessRisk(id, CALM));
      expect(problems).toHaveLength(1);
      expect(problems[0]?.code).toBe('unknown_instrument');
      expect(problems[0]?.reason).toContain(V1);
    }
  });

  it('names a missing answer, counting an empty one as missing', () => {
    const { pregnancy: _pregnancy, ...rest } = CALM;
    expect(problemsOf(() => assessRisk(V1, rest)).problems).toEqual([
      { code: 'missing_answer', question: 'pregnancy', reason: 'Pregnant (pregnancy) is not answered.' },
    ]);
    expect(problemsOf(() => assess({ minor: '' })).problems).toEqual([
      { code: 'missing_answer', question: 'minor', reason: 'Under 18 (minor) is not answered.' },
    ]);
  });

  it('names an unknown question, without quoting what does not look like an id', () => {
    expect(problemsOf(() => assess({ is_trafficker_rich: 'yes' })).problems).toEqual([
      {
        code: 'unknown_question',
        question: 'is_trafficker_rich',
        reason: `"is_trafficker_rich" is not a question of ${V1}.`,
      },
    ]);
    const { error } = problemsOf(() => assess({ 'Ana Popescu, Via Roma 1': 'yes' }));
    expect(error.message).not.toContain('Ana');
    expect(error.problems[0]).toMatchObject({ code: 'unknown_question', question: '(value)' });
  });

  it('rejects an answer its question does not allow, without quoting it', () => {
    const { error, problems } = problemsOf(() =>
      assess({ immediate_danger: 'Yes', immigration_status: 'yes', pregnancy: 'she is 5 months pregnant' }),
    );
    expect(problems).toEqual([
      {
        code: 'invalid_answer',
        question: 'immediate_danger',
        reason: 'In immediate danger (immediate_danger): answer one of yes, no, unknown.',
      },
      {
        code: 'invalid_answer',
        question: 'immigration_status',
        reason: 'Immigration status (immigration_status): answer one of regular, irregular, asylum_seeker, unknown.',
      },
      {
        code: 'invalid_answer',
        question: 'pregnancy',
        reason: 'Pregnant (pregnancy): answer one of yes, no, unknown.',
      },
    ]);
    expect(error.message).not.toContain('months');
    expect(problemsOf(() => assess({ minor: true as unknown as string })).problems[0]?.code).toBe('invalid_answer');
  });

  it('reports every problem at once, in question order, then unknown questions', () => {
    const { debt_bondage: _debt, minor: _minor, ...rest } = CALM;
    const { error, problems } = problemsOf(() =>
      assessRisk(V1, { ...rest, pets: 'yes', immediate_danger: 'maybe', last_seen: 'no' }),
    );
    expect(problems.map(({ code, question }) => `${code}:${question}`)).toEqual([
      'invalid_answer:immediate_danger',
      'missing_answer:minor',
      'missing_answer:debt_bondage',
      'unknown_question:pets',
      'unknown_question:last_seen',
    ]);
    expect(error.message.startsWith('The risk assessment has 5 problems: ')).toBe(true);
    for (const problem of problems) expect(error.message).toContain(problem.reason);
  });
});

describe('riskChange', () => {
  const first = assess({ debt_bondage: 'yes', documents_confiscated: 'unknown', contact_with_trafficker: 'yes' });

  it('lists the reasons that appeared, disappeared and changed, and the level going up', () => {
    const second = assess({ debt_bondage: 'yes', documents_confiscated: 'yes', threats_to_family: 'yes' });
    expect(first).toMatchObject({ score: 19, level: 'medium' });
    expect(second).toMatchObject({ score: 26, level: 'high' });
    expect(riskChange(first, second)).toStrictEqual({
      previousLevel: 'medium',
      currentLevel: 'high',
      levelChange: 'raised',
      scoreChange: 7,
      appeared: [{ question: 'threats_to_family', answer: 'yes', points: 12, forcedHigh: true }],
      disappeared: [{ question: 'contact_with_trafficker', answer: 'yes', points: 10 }],
      changed: [
        {
          question: 'documents_confiscated',
          previous: { question: 'documents_confiscated', answer: 'unknown', points: 1 },
          current: { question: 'documents_confiscated', answer: 'yes', points: 6 },
        },
      ],
    });
  });

  it('shows the level going down and staying, and compares results read back from storage', () => {
    const calmer = assess({ debt_bondage: 'yes' });
    const stored = JSON.parse(JSON.stringify(first)) as RiskResult;
    expect(riskChange(stored, calmer)).toMatchObject({
      levelChange: 'unchanged',
      scoreChange: -11,
      appeared: [],
      disappeared: [
        { question: 'contact_with_trafficker', answer: 'yes', points: 10 },
        { question: 'documents_confiscated', answer: 'unknown', points: 1 },
      ],
      changed: [],
    });
    expect(riskChange(first, assessRisk(V1, CALM))).toMatchObject({
      previousLevel: 'medium',
      currentLevel: 'low',
      levelChange: 'lowered',
      scoreChange: -19,
      appeared: [],
    });
    expect(riskChange(first, first)).toStrictEqual({
      previousLevel: 'medium',
      currentLevel: 'medium',
      levelChange: 'unchanged',
      scoreChange: 0,
      appeared: [],
      disappeared: [],
      changed: [],
    });
  });

  it('does not compare scores across instrument versions, but still compares answers', () => {
    const older = { instrument: 'passage-risk-v0', score: 30, level: 'high' as const, reasons: [...first.reasons] };
    expect(riskChange(older, first)).toMatchObject({
      scoreChange: null,
      levelChange: 'lowered',
      appeared: [],
      disappeared: [],
      changed: [],
    });
  });
});
