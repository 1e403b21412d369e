/** Digest schedules in a channel's own time zone: parse, validate, and the next regular time (luxon, so DST is right). */
import { DateTime, IANAZone } from 'luxon';
import { UserError } from '../shared/errors.js';

export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];

/** When digests are posted in one channel. `day` matters only for weekly. */
export interface DigestTimes {
  cadence: 'daily' | 'weekly';
  at: string;
  day: Weekday;
  tz: string;
}

export const DEFAULT_AT = '09:00';
export const DEFAULT_DAY: Weekday = 'mon';
export const DEFAULT_TZ = 'UTC';

/** "9:05" or "09:05" → "09:05"; anything else is `digest.badTime`. */
export function parseAt(at: string): string {
  const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(at.trim());
  if (!m) throw new UserError('digest.badTime', { at });
  return `${m[1]!.padStart(2, '0')}:${m[2]}`;
}

/** An IANA zone in its canonical spelling ("europe/berlin" → "Europe/Berlin"); else `digest.badZone`. */
export function parseZone(tz: string): string {
  const clean = tz.trim();
  if (!IANAZone.isValidZone(clean)) throw new UserError('digest.badZone', { tz });
  return new Intl.DateTimeFormat('en-US', { timeZone: clean }).resolvedOptions().timeZone;
}

/**
 * The first regular digest time strictly after `after`. Each candidate is a wall-clock time in the
 * zone, so 09:00 Europe/Berlin is 08:00 UTC in winter and 07:00 UTC in summer. A time that does not
 * exist on a spring-forward day moves forward with the clock (luxon's rule).
 */
export function nextOccurrence(after: number, t: DigestTimes): number {
  const [hour, minute] = t.at.split(':').map(Number) as [number, number];
  const start = DateTime.fromMillis(after, { zone: t.tz }).startOf('day');
  const weekday = weekdays.indexOf(t.day) + 1;
  for (let k = 0; k <= 8; k++) {
    const day = start.plus({ days: k });
    if (t.cadence === 'weekly' && day.weekday !== weekday) continue;
    const at = day.set({ hour, minute, second: 0, millisecond: 0 }).toMillis();
    if (at > after) return at;
  }
  throw new Error(`no digest time after ${after} for ${JSON.stringify(t)}`);
}

/** "Sat 28 Mar 2026, 09:00 Europe/Berlin (08:00 UTC)". */
export function formatInZone(ms: number, tz: string): string {
  const local = DateTime.fromMillis(ms, { zone: tz });
  const text = `${local.toFormat('ccc d LLL yyyy, HH:mm')} ${tz}`;
  return tz === 'UTC' ? text : `${text} (${DateTime.fromMillis(ms, { zone: 'UTC' }).toFormat('HH:mm')} UTC)`;
}

/** "Sat 28 Mar, 09:00" in the zone: short, for lines inside a digest. */
export function shortTime(ms: number, tz: string): string {
  return DateTime.fromMillis(ms, { zone: tz }).toFormat('ccc d LLL, HH:mm');
}

/** How the schedule reads: "daily at 09:00 Europe/Berlin", "weekly on Wed at 18:30 UTC". */
export function describeTimes(t: DigestTimes): string {
  const day = t.day.charAt(0).toUpperCase() + t.day.slice(1);
  return t.cadence === 'daily' ? `daily at ${t.at} ${t.tz}` : `weekly on ${day} at ${t.at} ${t.tz}`;
}
