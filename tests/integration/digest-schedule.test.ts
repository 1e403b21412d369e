import { describe, expect, it } from 'vitest';
import { makeCore, TestClock, type Harness } from '../helpers/core.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString().replace(':00.000Z', 'Z');

function harnessAt(utc: string): Harness {
  return makeCore({ clock: new TestClock(Date.parse(utc)) });
}

/** Moves the clock in `step`s until `until`, like a scheduler ticking; returns when each digest was posted, and where. */
async function runUntil(h: Harness, until: string, step = 15 * MIN): Promise<string[]> {
  const posted: string[] = [];
  while (h.clock.t < Date.parse(until)) {
    for (const out of await h.advance(step)) {
      for (const e of out.effects)
        if (e.type === 'post' && e.view.title.startsWith('Digest'))
          posted.push(`${iso(h.clock.t)} #${e.channelId}`);
    }
  }
  return posted;
}

/** The audit log's record of posted digests: when, where, and by what. */
async function auditedDigests(h: Harness): Promise<string[]> {
  const rows = await h.query<{ at: number; actor: string | null; data: string }>(
    "select at, actor, data from audit where type = 'digest.posted' order by seq",
  );
  return rows.map((r) => {
    const d = JSON.parse(r.data) as { channel: string; via: string };
    return `${iso(r.at)} #${d.channel} ${d.via}`;
  });
}

function pendingDigestDeadlines(h: Harness) {
  return h.query<{ key: string; dueAt: number }>(
    `select key, due_at as "dueAt" from deadlines where kind = 'digest.post' and status = 'pending' order by due_at, key`,
  );
}

describe('scheduled digests', () => {
  it('posts daily at 09:00 Europe/Berlin across the spring DST change, and a missed digest once after downtime', async () => {
    const h = harnessAt('2026-03-27T10:00:00Z'); // Friday, CET (UTC+1)
    await h.ok('alice', '/task post Write the guide skills:docs');
    const out = await h.ok('alice', '/digest schedule daily at:09:00 tz:Europe/Berlin');
    expect(out.reply).toMatchObject({
      private: false,
      text: 'Digests in #general: daily at 09:00 Europe/Berlin. Next: Sat 28 Mar 2026, 09:00 Europe/Berlin (08:00 UTC).',
    });

    // Clocks go forward on Sunday 29 March: 09:00 in Berlin becomes 07:00 UTC.
    expect(await runUntil(h, '2026-03-31T12:00:00Z')).toEqual([
      '2026-03-28T08:00Z #general',
      '2026-03-29T07:00Z #general',
      '2026-03-30T07:00Z #general',
      '2026-03-31T07:00Z #general',
    ]);

    // Three days down: one jump, as after a restart. The three missed digests are posted once, now.
    const afterDowntime = await h.advance(3 * DAY);
    const digests = afterDowntime.flatMap((o) => o.effects).filter((e) => e.type === 'post');
    expect(digests).toHaveLength(1);
    expect(iso(h.clock.t)).toBe('2026-04-03T12:00Z');
    // …and the schedule picks up at the next regular time, not three more.
    expect((await pendingDigestDeadlines(h)).map((d) => iso(d.dueAt))).toEqual(['2026-04-04T07:00Z']);
    expect(await runUntil(h, '2026-04-05T12:00:00Z')).toEqual([
      '2026-04-04T07:00Z #general',
      '2026-04-05T07:00Z #general',
    ]);

    expect(await auditedDigests(h)).toEqual([
      '2026-03-28T08:00Z #general schedule',
      '2026-03-29T07:00Z #general schedule',
      '2026-03-30T07:00Z #general schedule',
      '2026-03-31T07:00Z #general schedule',
      '2026-04-03T12:00Z #general schedule',
      '2026-04-04T07:00Z #general schedule',
      '2026-04-05T07:00Z #general schedule',
    ]);
  });

  it('off stops them: the deadline is cancelled and the schedule row deleted', async () => {
    const h = harnessAt('2026-03-27T10:00:00Z');
    await h.ok('alice', '/digest schedule daily at:09:00 tz:Europe/Berlin');
    expect(await runUntil(h, '2026-03-28T12:00:00Z')).toEqual(['2026-03-28T08:00Z #general']);
    const off = await h.ok('bob', '/digest schedule off');
    expect(off.reply?.text).toBe('Scheduled digests in #general are off. `/digest now` still posts one.');
    expect(await runUntil(h, '2026-04-02T12:00:00Z', HOUR)).toEqual([]);
    expect((await h.counts())['digest_schedules']).toBe(0);
    expect(await pendingDigestDeadlines(h)).toEqual([]);
    // Turning off what is not on changes nothing (but the record of the event id) and says so.
    const state = async () => (await h.dump()).replace(/\["processed_events",\[.*?\]\]/, '');
    const before = await state();
    expect((await h.ok('bob', '/digest schedule off')).reply?.text).toBe(
      'No digests are scheduled in #general; nothing to turn off.',
    );
    expect(await state()).toBe(before);
  });

  it('weekly on the given day, at the right instant on both sides of the US DST change', async () => {
    const h = harnessAt('2026-10-26T12:00:00Z'); // Monday
    const out = await h.ok('alice', '/digest schedule weekly day:wed at:18:30 tz:America/New_York', {
      channelId: 'dev',
    });
    expect(out.reply?.text).toBe(
      'Digests in #dev: weekly on Wed at 18:30 America/New_York. Next: Wed 28 Oct 2026, 18:30 America/New_York (22:30 UTC).',
    );
    expect(await runUntil(h, '2026-11-12T12:00:00Z', 30 * MIN)).toEqual([
      '2026-10-28T22:30Z #dev',
      '2026-11-04T23:30Z #dev',
      '2026-11-11T23:30Z #dev',
    ]);
  });

  it('bad time or zone is refused with its code and changes nothing', async () => {
    const h = harnessAt('2026-03-27T10:00:00Z');
    await h.ok('alice', '/digest schedule daily at:07:30 tz:Europe/Lisbon');
    const before = await h.dump();
    for (const [line, code] of [
      ['/digest schedule daily at:25:00', 'digest.badTime'],
      ['/digest schedule weekly at:9am', 'digest.badTime'],
      ['/digest schedule daily at:12:60 tz:Europe/Berlin', 'digest.badTime'],
      ['/digest schedule daily tz:Mars/Olympus', 'digest.badZone'],
      ['/digest schedule weekly day:fri at:10:00 tz:Europe/Berln', 'digest.badZone'],
    ] as const) {
      const out = await h.cmd('alice', line);
      expect(out.error?.code, line).toBe(code);
      expect(out.reply?.private).toBe(true);
      expect(out.effects).toEqual([]);
      expect(await h.dump(), line).toBe(before);
    }
    expect((await h.cmd('alice', '/digest schedule daily tz:Mars/Olympus')).reply?.text).toBe(
      '`Mars/Olympus` is not a time zone; write Area/City, e.g. Europe/Berlin.',
    );
  });

  it('defaults to 09:00 UTC (Monday when weekly); each channel has its own schedule, a change replaces it', async () => {
    const h = harnessAt('2026-01-05T12:00:00Z'); // Monday
    expect((await h.ok('alice', '/digest schedule daily')).reply?.text).toBe(
      'Digests in #general: daily at 09:00 UTC. Next: Tue 6 Jan 2026, 09:00 UTC.',
    );
    expect((await h.ok('alice', '/digest schedule weekly', { channelId: 'dev' })).reply?.text).toBe(
      'Digests in #dev: weekly on Mon at 09:00 UTC. Next: Mon 12 Jan 2026, 09:00 UTC.',
    );
    // A change keeps what it does not name (the zone here) and moves the one deadline of the channel.
    await h.ok('alice', '/digest schedule daily tz:Asia/Tokyo');
    expect((await h.ok('alice', '/digest schedule daily at:18:00')).reply?.text).toBe(
      'Digests in #general: daily at 18:00 Asia/Tokyo. Next: Tue 6 Jan 2026, 18:00 Asia/Tokyo (09:00 UTC).',
    );
    expect((await pendingDigestDeadlines(h)).map((d) => d.key).sort()).toHaveLength(2);
    expect(await runUntil(h, '2026-01-13T00:00:00Z', HOUR)).toEqual([
      '2026-01-06T09:00Z #general',
      '2026-01-07T09:00Z #general',
      '2026-01-08T09:00Z #general',
      '2026-01-09T09:00Z #general',
      '2026-01-10T09:00Z #general',
      '2026-01-11T09:00Z #general',
      '2026-01-12T09:00Z #general',
      '2026-01-12T09:00Z #dev',
    ]);
  });
});
