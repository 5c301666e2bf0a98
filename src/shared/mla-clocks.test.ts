import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alerting, breachCount, type ClockDates, clock, DAY_MS, endOfDay, mlaClocks } from './mla-clocks.ts';

const RECEIVED = '2026-03-02T09:00:00.000Z';
const at = (days: number, from = RECEIVED) => new Date(Date.parse(from) + days * DAY_MS);
const iso = (days: number, from = RECEIVED) => at(days, from).toISOString();

const dates = (over: Partial<ClockDates> = {}): ClockDates => ({
  urgent: false,
  requestedDeadline: null,
  receivedAt: RECEIVED,
  acknowledgedAt: null,
  decidedAt: null,
  decision: null,
  extensionDays: null,
  executedAt: null,
  postponedUntil: null,
  ...over,
});

const byName = (d: ClockDates, now: Date) => Object.fromEntries(mlaClocks(d, now).map((c) => [c.name, c]));

describe('the statutory clocks', () => {
  it('has none before the request is received', () => {
    expect(mlaClocks(dates({ receivedAt: null }), at(3))).toEqual([]);
  });

  it('counts the acknowledgement and the decision from the receipt, 7 and 30 days', () => {
    const clocks = byName(dates(), at(1));
    expect(clocks.acknowledgement).toMatchObject({ due: iso(7), daysLeft: 6, state: 'running', startedAt: RECEIVED });
    expect(clocks.decision).toMatchObject({ due: iso(30), daysLeft: 29, state: 'running' });
    expect(clocks.execution).toBeUndefined();
  });

  it.each([
    [4, 'running', 3],
    [5.25, 'approaching', 1],
    [6.5, 'approaching', 0],
    [7, 'approaching', 0],
    [7.01, 'breached', -1],
    [12, 'breached', -5],
  ] as const)('acknowledgement on day %s: %s, %s days left', (day, state, daysLeft) => {
    expect(byName(dates(), at(day)).acknowledgement).toMatchObject({ state, daysLeft });
  });

  it('is approaching in the last quarter of a long period', () => {
    expect(byName(dates(), at(22)).decision?.state).toBe('running');
    expect(byName(dates(), at(22.5)).decision?.state).toBe('approaching');
  });

  it('is met when the step was taken in time, met late otherwise, whatever the time now', () => {
    const inTime = byName(dates({ acknowledgedAt: iso(3) }), at(40)).acknowledgement;
    expect(inTime).toMatchObject({ state: 'met', daysLeft: 4 });
    const late = byName(dates({ acknowledgedAt: iso(9) }), at(10)).acknowledgement;
    expect(late).toMatchObject({ state: 'met_late', daysLeft: -2 });
    expect(byName(dates({ acknowledgedAt: iso(7) }), at(10)).acknowledgement?.state).toBe('met');
  });

  it('moves the decision by the extension', () => {
    const clocks = byName(dates({ acknowledgedAt: iso(1), extensionDays: 20 }), at(31));
    expect(clocks.decision).toMatchObject({ due: iso(50), state: 'running', daysLeft: 19 });
  });

  it('counts the execution from the recognition, 90 days, and not after a refusal', () => {
    const recognised = dates({ acknowledgedAt: iso(1), decidedAt: iso(10), decision: 'recognised' });
    expect(byName(recognised, at(11)).execution).toMatchObject({
      startedAt: iso(10),
      due: iso(100),
      state: 'running',
    });
    expect(byName(recognised, at(11)).decision?.state).toBe('met');
    const refused = { ...recognised, decision: 'refused' as const };
    expect(byName(refused, at(11)).execution).toBeUndefined();
  });

  it('shortens every period for an urgent request: 1, 10 and 30 days', () => {
    const urgent = dates({ urgent: true, acknowledgedAt: iso(0.5), decidedAt: iso(2), decision: 'recognised' });
    const clocks = byName(urgent, at(2));
    expect(clocks.acknowledgement).toMatchObject({ due: iso(1), state: 'met' });
    expect(clocks.decision).toMatchObject({ due: iso(10), state: 'met' });
    expect(clocks.execution).toMatchObject({ due: iso(32), state: 'running' });
    expect(byName(dates({ urgent: true }), at(0.5)).acknowledgement?.state).toBe('approaching');
  });

  it('shortens the execution to a requested deadline that comes earlier, and only then', () => {
    const recognised = { acknowledgedAt: iso(1), decidedAt: iso(10), decision: 'recognised' as const };
    const early = byName(dates({ ...recognised, requestedDeadline: '2026-04-30' }), at(11)).execution;
    expect(early?.due).toBe('2026-04-30T23:59:59.999Z');
    const late = byName(dates({ ...recognised, requestedDeadline: '2026-12-31' }), at(11)).execution;
    expect(late?.due).toBe(iso(100));
  });

  it('moves the execution to the end of the day it was postponed to', () => {
    const postponed = dates({
      acknowledgedAt: iso(1),
      decidedAt: iso(10),
      decision: 'recognised',
      postponedUntil: '2026-08-31',
    });
    const clocks = byName(postponed, at(101));
    expect(clocks.execution).toMatchObject({ due: '2026-08-31T23:59:59.999Z', state: 'running' });
    expect(byName({ ...postponed, executedAt: '2026-09-01T08:00:00.000Z' }, at(200)).execution?.state).toBe('met_late');
  });

  it('reads a named date as due at the end of that day, UTC', () => {
    expect(new Date(endOfDay('2026-02-28')).toISOString()).toBe('2026-02-28T23:59:59.999Z');
  });
});

describe('a breach, after the due date moved', () => {
  // The decision is due on day 30; the extension of 20 days comes on day 33, three days late.
  const extendedLate = dates({ acknowledgedAt: iso(1), extensionDays: 20, extendedAt: iso(33) });

  it('stays a breach of the decision when the extension came after the due date', () => {
    const decision = byName(extendedLate, at(35)).decision;
    expect(decision).toMatchObject({ due: iso(50), state: 'running', daysLeft: 15 });
    expect(decision?.breach).toEqual({ at: iso(30), days: 3, until: iso(33), dueMoved: true });
  });

  it('keeps the breach in the alerts and in the count of breaches, while the clock runs again', () => {
    const clocks = mlaClocks(extendedLate, at(35));
    expect(alerting(clocks).map((c) => [c.name, c.state])).toEqual([['decision', 'running']]);
    expect(breachCount(clocks)).toBe(1);
  });

  it('keeps it once the decision is taken in the extended period, and keeps the first breach after a second', () => {
    const decidedInTime = { ...extendedLate, decidedAt: iso(40), decision: 'recognised' as const };
    expect(byName(decidedInTime, at(41)).decision).toMatchObject({
      state: 'met',
      breach: { at: iso(30), days: 3, until: iso(33), dueMoved: true },
    });
    const decidedLate = { ...extendedLate, decidedAt: iso(52), decision: 'refused' as const };
    expect(byName(decidedLate, at(60)).decision).toMatchObject({
      state: 'met_late',
      breach: { at: iso(30), days: 3, until: iso(33), dueMoved: true },
    });
  });

  it('is no breach when the extension came in time', () => {
    const inTime = dates({ acknowledgedAt: iso(1), extensionDays: 20, extendedAt: iso(29) });
    expect(byName(inTime, at(35)).decision).toMatchObject({ state: 'running', breach: null });
    expect(breachCount(mlaClocks(inTime, at(35)))).toBe(0);
    expect(alerting(mlaClocks(inTime, at(35)))).toEqual([]);
    // A breach of the extended due date is a breach like any other.
    expect(byName(inTime, at(52)).decision).toMatchObject({
      state: 'breached',
      breach: { at: iso(50), days: 2, until: null, dueMoved: false },
    });
  });

  it('records how long a breach lasts while it lasts, and until the step when it is taken late', () => {
    expect(byName(dates(), at(9.5)).acknowledgement?.breach).toEqual({
      at: iso(7),
      days: 3,
      until: null,
      dueMoved: false,
    });
    expect(byName(dates({ acknowledgedAt: iso(8) }), at(40)).acknowledgement?.breach).toEqual({
      at: iso(7),
      days: 1,
      until: iso(8),
      dueMoved: false,
    });
  });

  it('stays a breach of the execution when a postponement came after its due date', () => {
    const postponedLate = dates({
      acknowledgedAt: iso(1),
      decidedAt: iso(10),
      decision: 'recognised',
      postponedUntil: '2026-09-30',
      executionBreachedDue: iso(100),
      executionBreachPostponedAt: iso(104.5),
    });
    const execution = byName(postponedLate, at(110)).execution;
    expect(execution).toMatchObject({ due: '2026-09-30T23:59:59.999Z', state: 'running' });
    expect(execution?.breach).toEqual({ at: iso(100), days: 5, until: iso(104.5), dueMoved: true });
    expect(breachCount(mlaClocks(postponedLate, at(110)))).toBe(1);
  });
});

describe('a clock, for any period and any time', () => {
  const start = Date.parse('2026-01-01T00:00:00.000Z');
  const period = fc.integer({ min: 1, max: 400 * DAY_MS });
  const offset = fc.integer({ min: -10 * DAY_MS, max: 500 * DAY_MS });

  it('is breached exactly when the due date has passed and the step was not taken', () => {
    fc.assert(
      fc.property(period, offset, (length, elapsed) => {
        const c = clock('decision', start, start + length, null, start + elapsed);
        expect(c.state === 'breached').toBe(elapsed > length);
        expect(c.daysLeft < 0).toBe(elapsed > length);
      }),
    );
  });

  it('has a breach exactly when it is breached or was met late, when its due date never moved', () => {
    fc.assert(
      fc.property(period, offset, fc.option(offset), (length, elapsed, metAfter) => {
        const c = clock(
          'decision',
          start,
          start + length,
          metAfter === null ? null : start + metAfter,
          start + elapsed,
        );
        expect(c.breach !== null).toBe(c.state === 'breached' || c.state === 'met_late');
        if (c.breach) expect(c.breach.at).toBe(c.due);
      }),
    );
  });

  it('keeps the breach of a due date that was moved later after it passed, whatever happens next', () => {
    fc.assert(
      fc.property(period, period, period, offset, (length, lateBy, moveBy, elapsed) => {
        const due = start + length;
        const earlier = { due, movedAt: due + lateBy };
        const c = clock('decision', start, due + lateBy + moveBy, null, due + lateBy + Math.abs(elapsed), earlier);
        expect(c.breach).toMatchObject({ at: new Date(due).toISOString(), dueMoved: true });
        expect(c.breach?.days).toBe(Math.max(1, Math.ceil(lateBy / DAY_MS)));
        expect(alerting([c])).toEqual([c]);
      }),
    );
  });

  it('approaches before it is breached, in at least the last two days and the last quarter', () => {
    fc.assert(
      fc.property(period, offset, (length, elapsed) => {
        const left = length - elapsed;
        const c = clock('execution', start, start + length, null, start + elapsed);
        if (left >= 0 && (left <= 2 * DAY_MS || left <= length / 4)) expect(c.state).toBe('approaching');
        if (left > 2 * DAY_MS && left > length / 4) expect(c.state).toBe('running');
      }),
    );
  });

  it('once met, no longer depends on the time now', () => {
    fc.assert(
      fc.property(period, offset, offset, offset, (length, metAfter, now1, now2) => {
        const a = clock('acknowledgement', start, start + length, start + metAfter, start + now1);
        const b = clock('acknowledgement', start, start + length, start + metAfter, start + now2);
        expect(a).toEqual(b);
        expect(a.state).toBe(metAfter <= length ? 'met' : 'met_late');
      }),
    );
  });

  it('never has a later due date for an urgent request, nor an earlier one for an extension', () => {
    const days = fc.integer({ min: 0, max: 30 });
    fc.assert(
      fc.property(fc.boolean(), days, (recognised, extension) => {
        const base = dates({
          decidedAt: iso(5),
          decision: recognised ? 'recognised' : 'refused',
          extensionDays: extension || null,
        });
        const normal = mlaClocks(base, at(1));
        const urgent = mlaClocks({ ...base, urgent: true }, at(1));
        const plain = mlaClocks({ ...base, extensionDays: null }, at(1));
        normal.forEach((c, i) => {
          expect(Date.parse(urgent[i]?.due as string)).toBeLessThan(Date.parse(c.due));
          expect(Date.parse(c.due)).toBeGreaterThanOrEqual(Date.parse(plain[i]?.due as string));
        });
      }),
    );
  });
});
