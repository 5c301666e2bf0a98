/**
 * The statutory clocks of an MLA request (docs/mla.md), computed from its recorded dates and nothing else: no
 * database, no current time but the one given. Both nodes hold the same dates, so both see the same clocks.
 *
 * - acknowledgement: due 7 days after receipt (urgent: 1 day);
 * - decision (recognise or refuse): due 30 days after receipt (urgent: 10), plus the one extension (≤ 30 days);
 * - execution: due 90 days after recognition (urgent: 30), or the requested deadline when earlier; a postponement
 *   moves it to the date it names.
 */

export const DAY_MS = 24 * 60 * 60 * 1000;

export const PERIODS = {
  normal: { acknowledgement: 7, decision: 30, execution: 90 },
  urgent: { acknowledgement: 1, decision: 10, execution: 30 },
} as const;

/** The longest extension of the decision period, granted at most once. */
export const MAX_EXTENSION_DAYS = 30;
/** A clock is approaching when this share of its period, or less, is left… */
const APPROACHING_SHARE = 0.25;
/** …and in any case for its last two days. */
const APPROACHING_MIN_MS = 2 * DAY_MS;

export const CLOCK_NAMES = ['acknowledgement', 'decision', 'execution'] as const;
export type ClockName = (typeof CLOCK_NAMES)[number];

export const CLOCK_STATES = ['running', 'approaching', 'breached', 'met', 'met_late'] as const;
export type ClockState = (typeof CLOCK_STATES)[number];

/**
 * A clock's first breach: the due date it passed without the step being taken. Kept when an extension or a
 * postponement granted afterwards moves the due date later, so that a breach stays a breach in the clock, the alerts
 * and the figures.
 */
export interface Breach {
  /** The due date that passed. */
  at: string;
  /** Whole days late, at least 1: until `until`, or until now while the breach lasts. */
  days: number;
  /** When the breach ended: the step taken late, or the due date moved later; null while it lasts. */
  until: string | null;
  /** Whether the due date was moved later after it had passed (an extension, or a postponement of the execution). */
  dueMoved: boolean;
}

export interface Clock {
  name: ClockName;
  /** When the period started: the receipt, or the recognition for execution. */
  startedAt: string;
  due: string;
  /**
   * Whole days from now (or, once met, from when it was met) to the due date, rounded down: 0 on the last day,
   * negative once late.
   */
  daysLeft: number;
  state: ClockState;
  /** The first breach, even when the due date was moved later afterwards; null when the clock never went late. */
  breach: Breach | null;
}

/** The dates a request's clocks are computed from (ISO 8601 instants; dates `YYYY-MM-DD` where noted). */
export interface ClockDates {
  urgent: boolean;
  /** `YYYY-MM-DD`: the issuing authority's deadline for the execution, if any. */
  requestedDeadline: string | null;
  receivedAt: string | null;
  acknowledgedAt: string | null;
  decidedAt: string | null;
  decision: 'recognised' | 'refused' | null;
  extensionDays: number | null;
  executedAt: string | null;
  /** `YYYY-MM-DD`: the latest postponement of the execution. */
  postponedUntil: string | null;
  /** When the decision period was extended. */
  extendedAt?: string | null;
  /**
   * The execution's first breach that a postponement ended: the due date then in force, and when the postponement was
   * granted. Recorded when it happens, since a later postponement replaces `postponedUntil`.
   */
  executionBreachedDue?: string | null;
  executionBreachPostponedAt?: string | null;
}

/** A due date in force until `movedAt`, when an extension or a postponement moved it later. */
export interface EarlierDue {
  due: number;
  movedAt: number;
}

/** A date the parties name (`YYYY-MM-DD`) is due at the end of that day, UTC. */
export function endOfDay(date: string): number {
  return Date.parse(`${date}T00:00:00.000Z`) + DAY_MS - 1;
}

/**
 * The clock of a period that started at `start` and is due at `due`, met at `metAt` if it was. `earlier` is the due
 * date in force before an extension or a postponement moved it to `due`: passed by then, it is the clock's breach.
 */
export function clock(
  name: ClockName,
  start: number,
  due: number,
  metAt: number | null,
  now: number,
  earlier: EarlierDue | null = null,
): Clock {
  const base = { name, startedAt: new Date(start).toISOString(), due: new Date(due).toISOString() };
  const movedAfterBreach = earlier !== null && earlier.movedAt > earlier.due && (metAt === null || metAt > earlier.due);
  const breach = movedAfterBreach
    ? breachOf(earlier.due, earlier.movedAt, earlier.movedAt, true)
    : metAt !== null
      ? metAt > due
        ? breachOf(due, metAt, metAt, false)
        : null
      : now > due
        ? breachOf(due, now, null, false)
        : null;
  if (metAt !== null) {
    return { ...base, daysLeft: Math.floor((due - metAt) / DAY_MS), state: metAt <= due ? 'met' : 'met_late', breach };
  }
  const left = due - now;
  const threshold = Math.max(APPROACHING_SHARE * (due - start), APPROACHING_MIN_MS);
  const state: ClockState = left < 0 ? 'breached' : left <= threshold ? 'approaching' : 'running';
  return { ...base, daysLeft: Math.floor(left / DAY_MS), state, breach };
}

function breachOf(due: number, end: number, until: number | null, dueMoved: boolean): Breach {
  return {
    at: new Date(due).toISOString(),
    days: Math.max(1, Math.ceil((end - due) / DAY_MS)),
    until: until === null ? null : new Date(until).toISOString(),
    dueMoved,
  };
}

const instant = (value: string | null): number | null => (value === null ? null : Date.parse(value));

const moved = (due: number, movedAt: string | null | undefined): EarlierDue | null =>
  movedAt ? { due, movedAt: Date.parse(movedAt) } : null;

/** Every clock that has started, in the order of the procedure. */
export function mlaClocks(dates: ClockDates, now: Date): Clock[] {
  const periods = dates.urgent ? PERIODS.urgent : PERIODS.normal;
  const at = now.getTime();
  const received = instant(dates.receivedAt);
  if (received === null) return [];
  const clocks = [
    clock('acknowledgement', received, received + periods.acknowledgement * DAY_MS, instant(dates.acknowledgedAt), at),
    clock(
      'decision',
      received,
      received + (periods.decision + (dates.extensionDays ?? 0)) * DAY_MS,
      instant(dates.decidedAt),
      at,
      moved(received + periods.decision * DAY_MS, dates.extensionDays === null ? null : dates.extendedAt),
    ),
  ];
  const decided = instant(dates.decidedAt);
  if (dates.decision === 'recognised' && decided !== null) {
    const breachedDue = instant(dates.executionBreachedDue ?? null);
    const earlier = breachedDue === null ? null : moved(breachedDue, dates.executionBreachPostponedAt);
    clocks.push(clock('execution', decided, executionDue(dates, decided), instant(dates.executedAt), at, earlier));
  }
  return clocks;
}

/** The execution's due date: its period, shortened by a requested deadline, moved by a postponement. */
export function executionDue(dates: ClockDates, decidedAt: number): number {
  if (dates.postponedUntil !== null) return endOfDay(dates.postponedUntil);
  const statutory = decidedAt + (dates.urgent ? PERIODS.urgent : PERIODS.normal).execution * DAY_MS;
  return dates.requestedDeadline === null ? statutory : Math.min(statutory, endOfDay(dates.requestedDeadline));
}

/**
 * The clocks that need someone's attention: approaching or breached now, or breached before (an extension or a
 * postponement granted late, a step taken late). A breach does not leave the alerts because the due date moved.
 */
export function alerting(clocks: readonly Clock[]): Clock[] {
  return clocks.filter((c) => c.state === 'approaching' || c.state === 'breached' || c.breach !== null);
}

/**
 * The breaches among `clocks`, each counted once whatever happened after it: the figure for statistics, which an
 * extension granted after the breach does not lower.
 */
export function breachCount(clocks: readonly Clock[]): number {
  return clocks.filter((c) => c.breach !== null).length;
}
