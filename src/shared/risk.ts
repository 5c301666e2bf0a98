/**
 * Risk assessment of a survivor: a versioned questionnaire (instrument) whose answers add up to a score and a level,
 * explained by the answers that raised it. A high level requires a safety plan.
 *
 * Stored assessments name their instrument version and reassessments are compared with them, so a version never
 * changes once it is in use: new weights or questions are a new version (`passage-risk-v2`) beside the old one, and
 * `CURRENT_RISK_INSTRUMENT` moves to it. A question id keeps its meaning in every version, so that reassessments
 * under a newer version can still be compared answer by answer.
 */
import { AppError } from '../lib/errors.ts';

export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export interface RiskAnswerOption {
  value: string;
  label: string;
  points: number;
  /** Set: this answer makes the level high whatever the total. */
  forcesLevel?: 'high';
}

export interface RiskQuestion {
  /** Stable snake_case id: stored answers, reasons and the web UI's translations key on it. */
  id: string;
  label: string;
  answerType: 'yes_no_unknown' | 'choice';
  answers: readonly RiskAnswerOption[];
}

export interface RiskInstrument {
  id: string;
  title: string;
  /** The lowest score of each level; a score below `medium` is low. */
  thresholds: { medium: number; high: number };
  /** Every question must be answered: `unknown` is always allowed, and it counts. */
  questions: readonly RiskQuestion[];
}

export interface RiskReason {
  question: string;
  answer: string;
  points: number;
  forcedHigh?: boolean;
}

export interface RiskResult {
  instrument: string;
  score: number;
  level: RiskLevel;
  /** The answers that raised the score, most points first (ties in question order). */
  reasons: RiskReason[];
  safetyPlanRequired: boolean;
}

// Not knowing is itself a risk: an `unknown` adds a little. An assessment of nothing but unknowns (13 points in v1)
// lands at medium, so it gets followed up, but not at high: a safety plan rests on at least one known risk.
const UNKNOWN_POINTS = 1;

function yesNoUnknown(id: string, label: string, yesPoints: number, forcesLevel?: 'high'): RiskQuestion {
  return {
    id,
    label,
    answerType: 'yes_no_unknown',
    answers: [
      { value: 'yes', label: 'Yes', points: yesPoints, ...(forcesLevel ? { forcesLevel } : {}) },
      { value: 'no', label: 'No', points: 0 },
      { value: 'unknown', label: 'Unknown', points: UNKNOWN_POINTS },
    ],
  };
}

// The weights are Passage's first proposal from the factors in the product brief, not a validated clinical tool;
// practitioners should review them, and any change is a new version.
const PASSAGE_RISK_V1: RiskInstrument = {
  id: 'passage-risk-v1',
  title: 'Passage risk assessment, version 1',
  // Medium: one serious circumstance (trafficked before, debt bondage, no safe place to stay) or two lesser ones.
  // High: two strong factors together, e.g. the trafficker knows where they are and is still in contact, or the
  // classic hold of debt, confiscated documents and an irregular status (8 + 6 + 6).
  thresholds: { medium: 8, high: 20 },
  questions: [
    // Forces high: danger now needs a safety plan now, whatever else is (not yet) known.
    yesNoUnknown('immediate_danger', 'In immediate danger', 15, 'high'),
    // Forces high: retaliation against family, often in another country, is how traffickers silence survivors and
    // only a safety plan (with the authorities where the family lives) answers it.
    yesNoUnknown('threats_to_family', 'Family threatened', 12, 'high'),
    yesNoUnknown('trafficker_knows_location', 'Trafficker knows where they are', 10),
    yesNoUnknown('contact_with_trafficker', 'In contact with the trafficker', 10),
    // A child with any other strong factor (contact with the trafficker, the trafficker knowing where they are)
    // reaches high by points alone; this expresses "a child in contact with the trafficker is high risk" without
    // rules that combine answers.
    yesNoUnknown('minor', 'Under 18', 10),
    yesNoUnknown('previous_trafficking', 'Trafficked before', 8),
    yesNoUnknown('debt_bondage', 'Debt bondage', 8),
    yesNoUnknown('no_safe_accommodation', 'No safe place to stay', 8),
    yesNoUnknown('documents_confiscated', 'Documents confiscated', 6),
    {
      id: 'immigration_status',
      label: 'Immigration status',
      answerType: 'choice',
      // Fear of removal keeps people away from the authorities; an asylum claim protects from removal while it
      // runs, but leaves the person dependent.
      answers: [
        { value: 'regular', label: 'Regular', points: 0 },
        { value: 'irregular', label: 'Irregular', points: 6 },
        { value: 'asylum_seeker', label: 'Asylum seeker', points: 3 },
        { value: 'unknown', label: 'Unknown', points: UNKNOWN_POINTS },
      ],
    },
    yesNoUnknown('pregnancy', 'Pregnant', 4),
    yesNoUnknown('serious_health_condition', 'Serious health condition', 4),
    yesNoUnknown('substance_dependence', 'Substance dependence', 4),
  ],
};

export const RISK_INSTRUMENTS: Readonly<Record<string, RiskInstrument>> = {
  [PASSAGE_RISK_V1.id]: PASSAGE_RISK_V1,
};

/** The version new assessments use. */
export const CURRENT_RISK_INSTRUMENT = 'passage-risk-v1';

export interface RiskProblem {
  code: 'unknown_instrument' | 'missing_answer' | 'unknown_question' | 'invalid_answer';
  /** The question concerned; absent for an unknown instrument. */
  question?: string;
  reason: string;
}

/** Every problem of one assessment at once, in question order, then the answers to questions that do not exist. */
export class RiskAssessmentError extends AppError {
  readonly problems: readonly RiskProblem[];
  constructor(problems: RiskProblem[]) {
    const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
    super(
      'risk_assessment_invalid',
      400,
      `The risk assessment has ${count}: ${problems.map((problem) => problem.reason).join(' ')}`,
      { problems },
    );
    this.problems = problems;
  }
}

/**
 * Scores the answers (question id → answer value) with an instrument version. Throws `RiskAssessmentError` listing
 * every missing, unknown or invalid answer. Answer values are never quoted back: they describe the survivor.
 */
export function assessRisk(instrumentId: string, answers: Readonly<Record<string, string>>): RiskResult {
  const instrument = Object.hasOwn(RISK_INSTRUMENTS, instrumentId) ? RISK_INSTRUMENTS[instrumentId] : undefined;
  if (!instrument) {
    const known = Object.keys(RISK_INSTRUMENTS).join(', ');
    throw new RiskAssessmentError([
      {
        code: 'unknown_instrument',
        reason: `"${safeName(instrumentId)}" is not a risk instrument; use one of ${known}.`,
      },
    ]);
  }

  const problems: RiskProblem[] = [];
  const chosen: RiskReason[] = [];
  let forced = false;
  for (const question of instrument.questions) {
    const what = `${question.label} (${question.id})`;
    const answer = answers[question.id];
    if (answer === undefined || answer === null || answer === '') {
      problems.push({ code: 'missing_answer', question: question.id, reason: `${what} is not answered.` });
      continue;
    }
    const option = question.answers.find((candidate) => candidate.value === answer);
    if (!option) {
      const allowed = question.answers.map((candidate) => candidate.value).join(', ');
      problems.push({ code: 'invalid_answer', question: question.id, reason: `${what}: answer one of ${allowed}.` });
      continue;
    }
    const forcesHigh = option.forcesLevel === 'high';
    forced ||= forcesHigh;
    if (option.points > 0 || forcesHigh) {
      chosen.push({
        question: question.id,
        answer,
        points: option.points,
        ...(forcesHigh ? { forcedHigh: true } : {}),
      });
    }
  }
  const questionIds = new Set(instrument.questions.map((question) => question.id));
  for (const id of Object.keys(answers)) {
    if (questionIds.has(id)) continue;
    const name = safeName(id);
    problems.push({
      code: 'unknown_question',
      question: name,
      reason: `"${name}" is not a question of ${instrument.id}.`,
    });
  }
  if (problems.length > 0) throw new RiskAssessmentError(problems);

  const score = chosen.reduce((sum, reason) => sum + reason.points, 0);
  const level: RiskLevel = forced ? 'high' : levelOf(instrument, score);
  // The sort is stable, and `chosen` is in question order.
  const reasons = chosen.sort((a, b) => b.points - a.points);
  return { instrument: instrument.id, score, level, reasons, safetyPlanRequired: level === 'high' };
}

function levelOf(instrument: RiskInstrument, score: number): RiskLevel {
  if (score >= instrument.thresholds.high) return 'high';
  if (score >= instrument.thresholds.medium) return 'medium';
  return 'low';
}

/** What `riskChange` needs of a result: the stored columns of an assessment. */
export type ComparableRisk = Pick<RiskResult, 'instrument' | 'score' | 'level' | 'reasons'>;

export interface RiskChange {
  previousLevel: RiskLevel;
  currentLevel: RiskLevel;
  levelChange: 'raised' | 'lowered' | 'unchanged';
  /** null when the two come from different instrument versions: their scores are on different scales. */
  scoreChange: number | null;
  /** Questions that raise the score now and did not before. */
  appeared: RiskReason[];
  /** Questions that raised the score before and no longer do. */
  disappeared: RiskReason[];
  /** Questions that raise the score both times with a different answer or weight, e.g. `unknown` → `yes`. */
  changed: { question: string; previous: RiskReason; current: RiskReason }[];
}

/** How a reassessment differs from the assessment before it, for the history of a case. */
export function riskChange(previous: ComparableRisk, current: ComparableRisk): RiskChange {
  const before = new Map(previous.reasons.map((reason) => [reason.question, reason]));
  const now = new Map(current.reasons.map((reason) => [reason.question, reason]));
  const changed: RiskChange['changed'] = [];
  for (const reason of current.reasons) {
    const earlier = before.get(reason.question);
    if (earlier && (earlier.answer !== reason.answer || earlier.points !== reason.points)) {
      changed.push({ question: reason.question, previous: earlier, current: reason });
    }
  }
  const step = RISK_LEVELS.indexOf(current.level) - RISK_LEVELS.indexOf(previous.level);
  return {
    previousLevel: previous.level,
    currentLevel: current.level,
    levelChange: step > 0 ? 'raised' : step < 0 ? 'lowered' : 'unchanged',
    scoreChange: previous.instrument === current.instrument ? current.score - previous.score : null,
    appeared: current.reasons.filter((reason) => !before.has(reason.question)),
    disappeared: previous.reasons.filter((reason) => !now.has(reason.question)),
    changed,
  };
}

// Ids in errors come from input: quote them only when they look like an id.
function safeName(text: string): string {
  return /^[A-Za-z0-9_.-]{1,60}$/.test(text) ? text : '(value)';
}
