/**
 * Durations as plan authors write them ("3 working days", "30 days", "4 hours", "15 minutes").
 * Pure and free of zod so that workflow code may import it; the plan schema checks the wording,
 * this module turns it into the Duration shape of model.ts and back.
 */
import type { Duration, DurationUnitKey } from './model';

const UNIT_WORDS: Record<string, DurationUnitKey> = {
  'working day': 'working_day',
  'working days': 'working_day',
  day: 'day',
  days: 'day',
  hour: 'hour',
  hours: 'hour',
  minute: 'minute',
  minutes: 'minute',
  second: 'second',
  seconds: 'second',
};

const SINGULAR: Record<DurationUnitKey, string> = {
  working_day: 'working day',
  day: 'day',
  hour: 'hour',
  minute: 'minute',
  second: 'second',
};

const MILLISECONDS: Partial<Record<DurationUnitKey, number>> = {
  hour: 3_600_000,
  minute: 60_000,
  second: 1_000,
};

/** Parses "3 working days" into { amount: 3, unit: 'working_day' }; throws on anything else. */
export function parseDuration(text: string): Duration {
  const match = /^\s*(\d+)\s+([a-z ]+?)\s*$/.exec(text);
  const unit = match ? UNIT_WORDS[match[2]!.replace(/\s+/g, ' ')] : undefined;
  if (!match || !unit) {
    throw new Error(`"${text}" is not a duration; write a number and a unit, for example "3 working days", "30 days", "4 hours" or "15 minutes"`);
  }
  return { amount: Number(match[1]), unit };
}

/** The plan-file wording of a duration: formatDuration(parseDuration(s)) gives s back, normalised. */
export function formatDuration(duration: Duration): string {
  const word = SINGULAR[duration.unit];
  return `${duration.amount} ${duration.amount === 1 ? word : `${word}s`}`;
}

/** Length in milliseconds of an hour/minute/second duration; undefined for day-based units, which depend on the calendar. */
export function fixedMilliseconds(duration: Duration): number | undefined {
  const unitMs = MILLISECONDS[duration.unit];
  return unitMs === undefined ? undefined : duration.amount * unitMs;
}
