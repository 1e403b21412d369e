import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  refOf,
  runConsole,
  startConsole,
  startWorker,
  type LiveConsole,
} from '../helpers/console-process.js';

const dir = mkdtempSync(join(tmpdir(), 'ostrom-two-'));
const live: LiveConsole[] = [];
afterEach(() => {
  for (const c of live.splice(0)) c.kill();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CHANNELS = Array.from({ length: 40 }, (_, i) => `c${i + 1}`);
const VOTERS = 20;
/** Days crossed, both processes ticking each time: each is one more chance for a digest to be posted twice. */
const ROUNDS = 6;
const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern.source, 'g'))?.length ?? 0;

describe('two Ostrom processes on one database file', () => {
  it('cross the same deadlines and take votes on the same card at once: each outcome and digest once, every vote counted', async () => {
    const env = { DATABASE_PATH: join(dir, 'ostrom.db') };
    // Daily digests due in an hour: both processes find them due, whichever moves the clock first.
    const at = new Date(Date.now() + 3600_000).toISOString().slice(11, 16);
    const setup = await runConsole(
      [
        '/as alice',
        ...CHANNELS.flatMap((c) => [`/in #${c}`, `/digest schedule daily at:${at} tz:UTC`]),
        '/in #general',
        '/propose Adopt the guide rule:majority hours:20',
        '/propose Early one rule:lazy hours:2',
        '/propose Later one rule:lazy hours:4',
      ],
      env,
    );
    expect(setup.code).toBe(0);
    const card = refOf(setup.stdout, /P1 · Adopt the guide/);

    const a = startConsole(env);
    const b = startConsole(env);
    live.push(a, b);
    await Promise.all([a.waitFor(/^Ostrom console/m), b.waitFor(/^Ostrom console/m)]);

    // Forty members vote on one card, twenty through each process, at the same moment.
    const votes = (p: string) =>
      Array.from({ length: VOTERS }, (_, i) => [`/as ${p}${i + 1}`, `/react ${card} ✅`]).flat();
    a.send([...votes('a'), '/as a-done']);
    b.send([...votes('b'), '/as b-done']);
    await Promise.all([a.waitFor(/you are now a-done/), b.waitFor(/you are now b-done/)]);

    // In each round both move the shared clock at once (12 h each: a day in all) and run what fell due.
    for (let round = 1; round <= ROUNDS; round++) {
      a.send(['/clock +12h', `/as a-round${round}`]);
      b.send(['/clock +12h', `/as b-round${round}`]);
      await Promise.all([
        a.waitFor(new RegExp(`now a-round${round}\\)`)),
        b.waitFor(new RegExp(`now b-round${round}\\)`)),
      ]);
    }
    a.send(['/clock +0m']);
    await a.waitFor(/clock is now/, ROUNDS + 1);

    const [ra, rb] = await Promise.all([a.end(), b.end()]);
    const out = ra.stdout + rb.stdout;
    expect(ra.code).toBe(0);
    expect(rb.code).toBe(0);
    expect(out).not.toMatch(/internal error|locked|SQLITE_BUSY/i);
    expect(ra.stderr + rb.stderr).toBe('');

    // No vote refused or lost: all forty are in the outcome.
    for (const p of ['a', 'b'])
      for (let i = 1; i <= VOTERS; i++) expect(out).toContain(`(${p}${i} reacts ✅ on ${card})`);
    expect(count(out, /P1 "Adopt the guide" passed: 40 yes, 0 no, 0 abstain/)).toBe(1);
    expect(count(out, /P2 "Early one" passed/)).toBe(1);
    expect(count(out, /P3 "Later one" passed/)).toBe(1);
    // Each channel's daily digest fell due once a day, and was posted once a day.
    for (const c of CHANNELS) expect(count(out, new RegExp(`\\] #${c} · Digest`))).toBe(ROUNDS);
    // The clock moved by both steps: neither process lost the other's.
    const last = [...ra.stdout.matchAll(/clock is now (\S+) (\S+) UTC/g)].at(-1)!;
    expect(Date.parse(`${last[1]}T${last[2]}Z`) - Date.now()).toBeGreaterThan((ROUNDS * 24 - 1) * 3600_000);
    // Message references are never handed out twice (an updated card keeps its own).
    const refs = out.match(/^\[m\d+\](?! \(updated\))/gm) ?? [];
    expect(new Set(refs).size).toBe(refs.length);
  }, 60_000);
});

describe('two Ostrom processes starting at once on a new database file', () => {
  it('both migrate it without error, whichever comes first', async () => {
    const racers = [1, 2].map(() => startWorker('open-on-go.ts', []));
    live.push(...racers);
    await Promise.all(racers.map((w) => w.waitFor(/^ready$/m)));
    for (let round = 1; round <= ROUNDS * 2; round++) {
      const path = join(dir, `fresh-${round}.db`);
      const at = Date.now() + 30; // one instant for both, a little after the line reaches them
      for (const w of racers) w.send([`${path} ${at}`]);
      await Promise.all(racers.map((w) => w.waitFor(/^(opened|failed) /m, round)));
    }
    const [one, two] = await Promise.all(racers.map((w) => w.end()));
    for (const run of [one!, two!]) {
      expect(run.stdout).not.toMatch(/failed/);
      expect(run.stdout.match(/^opened /gm)).toHaveLength(ROUNDS * 2);
      expect(run.stderr).toBe('');
    }
  });
});
