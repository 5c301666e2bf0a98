/**
 * When a survivor's risk is due to be assessed again, for work queues. Risk changes over time (PRODUCT.md: "reassessed
 * over time"); the higher the last level, the sooner it is looked at again. The intervals are Passage's defaults,
 * after the practice of the anti-trafficking programmes the design follows: a week for high risk, a month for medium,
 * a quarter for low.
 */
import type { Queryable } from '../../db/client.ts';
import type { RiskLevel } from '../../shared/risk.ts';
import * as care from './care.repository.ts';

export const REASSESS_AFTER_DAYS: Readonly<Record<RiskLevel, number>> = { high: 7, medium: 30, low: 90 };

export interface ReassessmentDue {
  caseId: string;
  level: RiskLevel;
  assessedAt: string;
  /** When the next assessment is due (ISO 8601 instant). */
  due: string;
}

const DAY_MS = 86_400_000;

/**
 * The cases among `caseIds` whose last assessment is due again within `withinDays` of `now`, or overdue, the most
 * overdue first. A case never assessed is left out (its first assessment belongs to the case's first steps).
 */
export async function reassessmentsDue(
  q: Queryable,
  caseIds: readonly string[],
  now: Date,
  withinDays = 3,
): Promise<ReassessmentDue[]> {
  const horizon = now.getTime() + withinDays * DAY_MS;
  return (await care.latestRiskLevels(q, caseIds))
    .map((r) => {
      const level = r.level as RiskLevel;
      const due = new Date(Date.parse(r.assessedAt) + (REASSESS_AFTER_DAYS[level] ?? 30) * DAY_MS).toISOString();
      return { caseId: r.caseId, level, assessedAt: r.assessedAt, due };
    })
    .filter((r) => Date.parse(r.due) <= horizon)
    .sort((a, b) => a.due.localeCompare(b.due));
}
