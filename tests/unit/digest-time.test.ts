import { describe, expect, it } from 'vitest';
import {
  formatInZone,
  nextOccurrence,
  parseAt,
  parseZone,
  type DigestTimes,
} from '../../src/core/digests/time.js';
import { UserError } from '../../src/core/shared/errors.js';

const iso = (ms: number) => new Date(ms).toISOString();
const at = (s: string) => Date.parse(s);
const berlin: DigestTimes = { cadence: 'daily', at: '09:00', day: 'mon', tz: 'Europe/Berlin' };

/** The first `n` digest times after `from`, each strictly after the one before. */
function series(from: string, t: DigestTimes, n: number): string[] {
  const out: string[] = [];
  let now = at(from);
  for (let i = 0; i < n; i++) out.push(iso((now = nextOccurrence(now, t))));
  return out;
}

describe('digest times', () => {
  it('09:00 Europe/Berlin is 08:00 UTC in winter and 07:00 UTC from the spring change', () => {
    expect(series('2026-03-27T10:00:00Z', berlin, 4)).toEqual([
      '2026-03-28T08:00:00.000Z',
      '2026-03-29T07:00:00.000Z',
      '2026-03-30T07:00:00.000Z',
      '2026-03-31T07:00:00.000Z',
    ]);
  });

  it('goes back to 08:00 UTC at the autumn change', () => {
    expect(series('2026-10-24T00:00:00Z', berlin, 3)).toEqual([
      '2026-10-24T07:00:00.000Z',
      '2026-10-25T08:00:00.000Z',
      '2026-10-26T08:00:00.000Z',
    ]);
  });

  it('is strictly after the given instant: at exactly 09:00 the next is tomorrow', () => {
    expect(iso(nextOccurrence(at('2026-01-05T08:00:00Z'), berlin))).toBe('2026-01-06T08:00:00.000Z');
    expect(iso(nextOccurrence(at('2026-01-05T07:59:59.999Z'), berlin))).toBe('2026-01-05T08:00:00.000Z');
  });

  it('a time skipped by the spring change moves forward with the clock', () => {
    const t: DigestTimes = { ...berlin, at: '02:30' };
    expect(iso(nextOccurrence(at('2026-03-28T12:00:00Z'), t))).toBe('2026-03-29T01:30:00.000Z');
  });

  it('weekly falls on the named day in the zone, even when that is another day in UTC', () => {
    const t: DigestTimes = { cadence: 'weekly', at: '08:00', day: 'mon', tz: 'Pacific/Auckland' };
    // Monday 08:00 in Auckland (UTC+13 in January) is Sunday 19:00 UTC.
    expect(series('2026-01-01T00:00:00Z', t, 2)).toEqual([
      '2026-01-04T19:00:00.000Z',
      '2026-01-11T19:00:00.000Z',
    ]);
    const wed: DigestTimes = { cadence: 'weekly', at: '18:30', day: 'wed', tz: 'America/New_York' };
    expect(series('2026-10-28T22:30:00Z', wed, 2)).toEqual([
      '2026-11-04T23:30:00.000Z',
      '2026-11-11T23:30:00.000Z',
    ]);
  });

  it('parses HH:MM and IANA zones, and names what is wrong otherwise', () => {
    expect(parseAt('9:05')).toBe('09:05');
    expect(parseAt('23:59')).toBe('23:59');
    for (const bad of ['24:00', '12:60', '9am', '', '1200']) {
      expect(() => parseAt(bad)).toThrow(expect.objectContaining({ code: 'digest.badTime' }) as UserError);
    }
    expect(parseZone('europe/berlin')).toBe('Europe/Berlin');
    expect(parseZone('UTC')).toBe('UTC');
    expect(() => parseZone('Mars/Olympus')).toThrow(
      expect.objectContaining({ code: 'digest.badZone' }) as UserError,
    );
  });

  it('says the time in the zone and in UTC', () => {
    expect(formatInZone(at('2026-03-28T08:00:00Z'), 'Europe/Berlin')).toBe(
      'Sat 28 Mar 2026, 09:00 Europe/Berlin (08:00 UTC)',
    );
    expect(formatInZone(at('2026-03-28T08:00:00Z'), 'UTC')).toBe('Sat 28 Mar 2026, 08:00 UTC');
  });
});
