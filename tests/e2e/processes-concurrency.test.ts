/**
 * Several real Ostrom processes (`npm start`'s command, the console) on one database at once: four on
 * PostgreSQL (the `pg` project), two on one SQLite file (the `sqlite` project). They start together on
 * a database nobody migrated yet, post, claim and vote in the same community at the same moment, and
 * move the shared clock (`/clock` adds to an offset stored in the database) across the same deadlines,
 * each process's scheduler running whatever fell due. Every outcome must be posted once across all
 * processes, no vote lost or counted twice, and the audit chain intact.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, inject, it } from 'vitest';
import { refOf, startConsole, startWorker, type LiveConsole } from '../helpers/console-process.js';
import { testDb, testDialect } from '../helpers/test-db.js';

const dir = mkdtempSync(join(tmpdir(), 'ostrom-procs-'));
const live: LiveConsole[] = [];
let admin: pg.Pool | undefined;
afterEach(() => {
  for (const c of live.splice(0)) c.kill(); // the whole process group, if still running
});
afterAll(async () => {
  await admin?.end();
  rmSync(dir, { recursive: true, force: true });
});

/** Processes on one database: PostgreSQL serves many; SQLite's one writer at a time is shared by two. */
const PROCESSES = testDialect === 'pg' ? 4 : 2;
/** Days crossed; in each, every process moves the clock by its share of the day at the same moment. */
const ROUNDS = 6;
const STEP_HOURS = 24 / PROCESSES;
/** Members voting on one card, spread over the processes. */
const VOTERS = 40;
/** Channels with a daily digest, spread over the processes; fewer on PostgreSQL, to stay under a minute. */
const CHANNELS = testDialect === 'pg' ? 24 : 40;
/** Tasks everyone claims at once; each has half as many slots as there are processes. */
const SHARED_TASKS = 3;
const SLOTS = PROCESSES / 2;
/** Rounds in which each process's round member votes on the long proposal (it closes on day five). */
const VOTE_ROUNDS = 4;

const count = (text: string, pattern: RegExp) => text.match(new RegExp(pattern.source, 'g'))?.length ?? 0;
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

let databases = 0;

/** A new database nobody migrated: an empty PostgreSQL database (its URL), or a new SQLite file path. */
async function unmigratedDatabase(): Promise<{ env: Record<string, string>; at: string }> {
  const name = `procs_${process.pid}_${++databases}`;
  if (testDialect === 'sqlite') {
    const path = join(dir, `${name}.db`);
    return { env: { DATABASE_PATH: path }, at: path };
  }
  const url = new URL(inject('pgAdminUrl'));
  admin ??= new pg.Pool({ connectionString: url.toString(), max: 1 });
  await admin.query(`CREATE DATABASE "${name}"`); // from template1: no tables
  url.pathname = `/${name}`;
  return { env: { DATABASE_URL: url.toString() }, at: url.toString() };
}

/** Sends each process its lines at once, then waits until each has printed its own marker. */
async function together(procs: LiveConsole[], lines: (i: number) => string[], marker: string): Promise<void> {
  procs.forEach((p, k) => p.send([...lines(k + 1), `/as p${k + 1}-${marker}`]));
  await Promise.all(procs.map((p, k) => p.waitFor(new RegExp(`now p${k + 1}-${marker}\\)`), 1, 40_000)));
}

describe(`${PROCESSES} Ostrom processes on one ${testDialect === 'pg' ? 'PostgreSQL database' : 'SQLite file'}`, () => {
  it('start together, post, claim and vote at once across the same deadlines: each outcome once, every vote counted, the chain intact', async () => {
    const { env, at } = await unmigratedDatabase();

    // All start at once on a database without tables: they migrate it together.
    const procs = range(PROCESSES).map(() => startConsole(env));
    live.push(...procs);
    await Promise.all(procs.map((p) => p.waitFor(/^Ostrom console/m, 1, 30_000)));

    // The first thing any of them does makes the community: all at once, as the guest (no admin yet).
    procs.forEach((p, k) => p.send([`/task post Warm-up of p${k + 1}`]));
    await Promise.all(procs.map((p) => p.waitFor(/Posted task #\d+: Warm-up/)));

    // The first process sets up: the first name given anywhere is the admin. Then the proposals and
    // the shared tasks; daily digests come due in an hour, whichever process moves the clock first.
    const [first] = procs as [LiveConsole, ...LiveConsole[]];
    const digestAt = new Date(Date.now() + 3600_000).toISOString().slice(11, 16);
    first.send([
      '/as alice',
      '/commons setup claims.expiryDays=1',
      '/propose Adopt the guide rule:majority hours:20',
      '/propose Early one rule:lazy hours:2',
      '/propose Later one rule:lazy hours:4',
      '/propose Long one rule:majority hours:100',
      ...range(SHARED_TASKS).map((t) => `/task post Shared ${t} slots:${SLOTS}`),
      '/as setup-done',
    ]);
    await first.waitFor(/now setup-done\)/);
    expect(first.stdout()).toMatch(/Ostrom is set up/);
    const card = refOf(first.stdout(), /P1 · Adopt the guide/);
    const shared = range(SHARED_TASKS).map((t) => PROCESSES + t);
    for (const [t, n] of shared.entries())
      expect(first.stdout()).toContain(`Posted task #${n}: Shared ${t + 1}`);

    // At once: each process schedules digests in its own channels, has its claimer claim every shared
    // task (more claimers than slots), and its voters react ✅ on P1's card.
    const perProcess = (n: number, i: number) =>
      range(n / PROCESSES).map((j) => (i - 1) * (n / PROCESSES) + j);
    await together(
      procs,
      (i) => [
        ...perProcess(CHANNELS, i).flatMap((c) => [
          `/in #c${c}`,
          `/digest schedule daily at:${digestAt} tz:UTC`,
        ]),
        '/in #general',
        `/as p${i}-claimer`,
        ...shared.map((n) => `/task claim ${n}`),
        ...perProcess(VOTERS, i).flatMap((v) => [`/as v${v}`, `/react ${card} ✅`]),
      ],
      'busy',
    );

    // Each round, at once in every process: a member posts a task, claims a shared one (free again once
    // a claim expired), votes on P4 in the first rounds, and moves the clock by the process's share of
    // the day, running what fell due.
    for (let round = 1; round <= ROUNDS; round++)
      await together(
        procs,
        (i) => [
          `/as p${i}r${round}`,
          `/task post Round ${round} of p${i}`,
          `/task claim ${shared[(i + round) % SHARED_TASKS]}`,
          ...(round <= VOTE_ROUNDS ? [`/vote P4 ${i === 1 ? 'no' : 'yes'}`] : []),
          `/clock +${STEP_HOURS}h`,
        ],
        `round${round}`,
      );
    // What fell due at the last step, once more from the first process; then its check of the chain.
    first.send(['/as alice', '/clock +0m', '/commons verify', '/as all-done']);
    await first.waitFor(/now all-done\)/);

    const runs = await Promise.all(procs.map((p) => p.end()));
    const out = runs.map((r) => r.stdout).join('\n');
    for (const r of runs) {
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
    }
    expect(out).not.toMatch(/internal error|locked|SQLITE_BUSY|deadlock|duplicate key|unique/i);

    const db = testDb({ at });
    try {
      const rows = <T = Record<string, unknown>>(text: string, ...params: unknown[]) =>
        db.query<T>(text, ...params);
      const one = async (text: string, ...params: unknown[]) =>
        Number(Object.values((await db.one(text, ...params))!)[0]);

      // One community, one migration run: every table there once, every migration applied once.
      expect(await one('select count(*) from communities')).toBe(1);
      const migrations = await rows<{ created_at: number }>('select created_at from "__drizzle_migrations"');
      expect(new Set(migrations.map((m) => Number(m.created_at))).size).toBe(migrations.length);

      // Task numbers: one each, none skipped, across the warm-up race and every round.
      const tasks = await rows<{ number: number }>('select number from tasks order by number');
      expect(tasks.map((t) => t.number)).toEqual(range(PROCESSES + SHARED_TASKS + PROCESSES * ROUNDS));

      // The votes on P1's card: one row per voter, all forty counted once in the one outcome posted.
      for (let v = 1; v <= VOTERS; v++) expect(out).toContain(`(v${v} reacts ✅ on ${card})`);
      const p1 = await rows<{ member: string; value: string }>(
        `select m.user_id as member, v.value from vote_marks v join members m on m.id = v.member_id
         join proposals p on p.id = v.target_id and v.target_type = 'proposal' where p.number = 1`,
      );
      expect(p1).toHaveLength(VOTERS);
      expect(new Set(p1.map((v) => v.member)).size).toBe(VOTERS);
      expect(p1.every((v) => v.value === 'yes')).toBe(true);
      expect(count(out, /P1 "Adopt the guide" passed: 40 yes, 0 no, 0 abstain/)).toBe(1);
      expect(count(out, /P2 "Early one" passed/)).toBe(1);
      expect(count(out, /P3 "Later one" passed/)).toBe(1);
      // P4: the round members' command votes, one row each; the tally shown at the close says the same.
      const p4 = await rows<{ value: string }>(
        `select v.value from vote_marks v join proposals p on p.id = v.target_id
         and v.target_type = 'proposal' where p.number = 4`,
      );
      const no = VOTE_ROUNDS;
      const yes = VOTE_ROUNDS * (PROCESSES - 1);
      expect(p4.filter((v) => v.value === 'yes')).toHaveLength(yes);
      expect(p4.filter((v) => v.value === 'no')).toHaveLength(no);
      expect(
        count(out, new RegExp(`P4 "Long one" (passed|was rejected): ${yes} yes, ${no} no, 0 abstain`)),
      ).toBe(1);
      for (const p of [1, 2, 3, 4])
        expect(
          await one(
            `select count(*) from audit where type = 'proposal.closed' and data like ?`,
            `%"proposal":${p},%`,
          ),
        ).toBe(1);

      // Digests: each channel's came due once a day and was posted once a day.
      for (let c = 1; c <= CHANNELS; c++)
        expect(count(out, new RegExp(`\\] #c${c} · Digest · `))).toBe(ROUNDS);

      // Claims: never more holders than slots; the first rush filled each shared task exactly.
      expect(out).not.toMatch(new RegExp(`claimed task #\\d+ \\(([${SLOTS + 1}-9]|\\d\\d+)/${SLOTS}\\)`));
      for (const n of shared)
        expect(count(out, new RegExp(`p\\d+-claimer claimed task #${n} \\(`))).toBe(SLOTS);
      // Each claim's expiry and reminder posted at most once, and exactly as often as recorded.
      const claims = await rows<{ id: number; status: string; expires_at: number }>(
        'select id, status, expires_at from claims',
      );
      const expired = claims.filter((c) => c.status === 'expired');
      expect(expired.length).toBeGreaterThanOrEqual(SHARED_TASKS * SLOTS);
      expect(claims.every((c) => c.status === 'expired' || c.status === 'active')).toBe(true);
      expect(count(out, /expired without a submission/)).toBe(expired.length);
      expect(await one(`select count(*) from audit where type = 'claim.expired'`)).toBe(expired.length);
      const reminded = await one(`select count(*) from audit where type = 'claim.reminded'`);
      expect(count(out, /Reminder: your claim on task/)).toBe(reminded);
      expect(reminded).toBeLessThanOrEqual(claims.length);

      // The clock moved by every step of every process: no step lost to another's.
      expect(
        Number(
          (await db.one<{ value: string }>(`select value from kv where key = 'console.clockOffset'`))!.value,
        ),
      ).toBe(ROUNDS * 24 * 3600_000);
      // Message references are never handed out twice (an updated card keeps its own).
      const refs = out.match(/^\[m\d+\](?! \(updated\))/gm) ?? [];
      expect(new Set(refs).size).toBe(refs.length);

      // The audit chain holds: one event per sequence number, 1..n, and /commons verify agrees.
      const seqs = await rows<{ seq: number }>('select seq from audit order by seq');
      expect(seqs.map((s) => s.seq)).toEqual(range(seqs.length));
      expect(runs[0]!.stdout).toMatch(new RegExp(`Audit chain intact: ${seqs.length} events`));
      expect(runs[0]!.stdout).toMatch(/match their events/);
    } finally {
      await db.storage.close();
    }
  }, 90_000);
});

describe(`${PROCESSES} Ostrom processes opening a new database at the same instant`, () => {
  it('all migrate it without error, whichever comes first', async () => {
    const racers = range(PROCESSES).map(() => startWorker('open-on-go.ts', []));
    live.push(...racers);
    await Promise.all(racers.map((w) => w.waitFor(/^ready$/m)));
    const tries = 12;
    for (let round = 1; round <= tries; round++) {
      const { at } = await unmigratedDatabase();
      const instant = Date.now() + 30; // one instant for all, a little after the line reaches them
      for (const w of racers) w.send([`${at} ${instant}`]);
      await Promise.all(racers.map((w) => w.waitFor(/^(opened|failed) /m, round)));
      if (testDialect === 'pg') {
        const db = testDb({ at });
        try {
          const applied = await db.query<{ n: number }>('select count(*) as n from "__drizzle_migrations"');
          const tables = await db.tables();
          expect(tables).toContain('audit');
          expect(Number(applied[0]!.n)).toBeGreaterThan(0);
        } finally {
          await db.storage.close();
        }
      }
    }
    const runs = await Promise.all(racers.map((w) => w.end()));
    for (const run of runs) {
      expect(run.stdout).not.toMatch(/failed/);
      expect(run.stdout.match(/^opened /gm)).toHaveLength(tries);
      expect(run.stderr).toBe('');
    }
  }, 60_000);
});
