/**
 * The stages a case goes through and the moves allowed between them. Cases do not all pass every stage: a survivor
 * who does not want a prosecution goes from protection to reintegration. Closing always goes through a supervisor's
 * approval (see CasesService.requestClosure), and a closed case can only be reopened.
 */
export const STAGES = [
  'reported',
  'identification',
  'protection',
  'investigation',
  'prosecution',
  'trial',
  'reparations',
  'reintegration',
  'closed',
  'reopened',
] as const;
export type Stage = (typeof STAGES)[number];

const ACTIVE = STAGES.filter((stage) => stage !== 'closed' && stage !== 'reopened' && stage !== 'reported');

export const TRANSITIONS: Readonly<Record<Stage, readonly Stage[]>> = {
  reported: ['identification', 'closed'],
  identification: ['protection', 'closed'],
  protection: ['investigation', 'reintegration', 'closed'],
  investigation: ['prosecution', 'protection', 'reintegration', 'closed'],
  prosecution: ['trial', 'reintegration', 'closed'],
  trial: ['reparations', 'reintegration', 'closed'],
  reparations: ['reintegration', 'closed'],
  reintegration: ['closed'],
  closed: ['reopened'],
  reopened: [...ACTIVE, 'closed'],
};

export const isStage = (value: string): value is Stage => (STAGES as readonly string[]).includes(value);

export function canMove(from: Stage, to: Stage): boolean {
  return TRANSITIONS[from].includes(to);
}

/** HTCDS `cas_Status` for a stage. */
export function htcdsStatus(stage: Stage): 'Active' | 'Closed' {
  return stage === 'closed' ? 'Closed' : 'Active';
}

export interface StageSpan {
  stage: Stage;
  enteredAt: string;
  leftAt: string | null;
  /** Milliseconds in the stage, up to `now` for the current one. */
  durationMs: number;
}

/** Time spent per stage from the stage changes of a case, oldest first. */
export function stageSpans(changes: readonly { stage: Stage; at: Date }[], now: Date = new Date()): StageSpan[] {
  return changes.map((change, i) => {
    const next = changes[i + 1];
    const end = next ? next.at : now;
    return {
      stage: change.stage,
      enteredAt: change.at.toISOString(),
      leftAt: next ? next.at.toISOString() : null,
      durationMs: Math.max(0, end.getTime() - change.at.getTime()),
    };
  });
}
