/**
 * `npm run db:copy`: an SQLite database made by the core, copied into an empty PostgreSQL database,
 * reads the same there: every row, the audit chain (`/commons verify`, same head), and new rows get
 * fresh ids. PostgreSQL only (the `pg` vitest project starts the cluster); the source is always SQLite.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Governance, type CommunityRef, type Outcome } from '../../src/core/index.js';
import { openDatabase } from '../../src/db/client.js';
import { copyPlan, copySqliteToPg, CopyError } from '../../src/db/copy.js';
import { settingsStore } from '../../src/db/kv.js';
import { pgStorage } from '../../src/db/pg.js';
import { sqliteStorage, type Storage } from '../../src/db/storage.js';
import { TestClock } from '../helpers/core.js';
import { HOUR_MS } from '../../src/core/shared/model.js';
import { newPgDatabase, testDialect } from '../helpers/test-db.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const TEST: CommunityRef = { platform: 'console', id: 'test' };
const OTHER: CommunityRef = { platform: 'console', id: 'other' };

/** Drives a core like an adapter (tests/helpers/core.ts), on whatever storage it was given. */
function driver(core: Governance, eventPrefix: string) {
  let n = 0;
  let msg = 0;
  const perform = async (out: Outcome) => {
    for (const e of out.effects)
      if (e.type === 'post' && e.cardKey)
        await core.recordCard(out.community, e.cardKey, {
          channelId: e.channelId,
          messageId: `${eventPrefix}m${++msg}`,
        });
    return out;
  };
  return {
    async ok(user: string, line: string, community = TEST): Promise<Outcome> {
      const out = await perform(
        await core.handle({
          type: 'command',
          eventId: `${eventPrefix}${++n}`,
          community,
          channelId: 'general',
          actor: { userId: user, name: user, isAdmin: user === 'alice' },
          command: { text: line },
        }),
      );
      if (out.error) throw new Error(`${line} → ${out.error.code}: ${out.error.message}`);
      return out;
    },
    async verify(community = TEST): Promise<string> {
      return (await this.ok('frank', '/commons verify', community)).reply!.text;
    },
  };
}

/** Rows of every table, each table's rows in a fixed order, for comparing the two databases. */
async function dumpAll(query: (text: string) => Promise<Record<string, unknown>[]>) {
  const out: Record<string, string[]> = {};
  for (const { name } of copyPlan()) {
    out[name] = (await query(`select * from "${name}"`))
      .map((row) =>
        JSON.stringify(Object.fromEntries(Object.entries(row).sort(([a], [b]) => a.localeCompare(b)))),
      )
      .sort();
  }
  return out;
}

describe.skipIf(testDialect !== 'pg')(
  'db:copy moves an SQLite database into PostgreSQL (pg project only)',
  () => {
    let dir: string;
    let source: string;
    const clock = new TestClock();
    let sqliteDump: Record<string, string[]>;
    let sqliteVerify: string;
    let sqliteHead: { seq: number; hash: string };
    /** One small pool per database, ended after the suite. */
    const pools = new Map<string, pg.Pool>();
    const pool = (url: string) => {
      let p = pools.get(url);
      if (!p) {
        p = new pg.Pool({ connectionString: url, max: 2 });
        pools.set(url, p);
      }
      return p;
    };
    const rows = async (url: string, text: string, ...params: unknown[]) =>
      (await pool(url).query(text, params)).rows as Record<string, unknown>[];

    /** Two communities; accepted work, open votes, a proposal passed by its deadline, a kv row. */
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'ostrom-copy-'));
      source = join(dir, 'ostrom.db');
      const storage: Storage = sqliteStorage(openDatabase(source));
      const h = driver(new Governance(storage, clock), 'e');
      await h.ok('alice', '/task post Write the guide skills:docs,writing');
      await h.ok('bob', '/task claim 1');
      await h.ok('bob', '/task submit 1 link:https://example.org/pr/1');
      await h.ok('carol', '/review 1 approve');
      await h.ok('dave', '/review 1 approve'); // accepted: a ledger entry
      await h.ok('alice', '/task post Translate it skills:i18n slots:2');
      await h.ok('erin', '/task claim 2');
      await h.ok('erin', '/task submit 2 link:https://example.org/pr/2 note:"first pass"');
      await h.ok('carol', '/review 2 approve');
      await h.ok('alice', '/propose Lower the bar change:review.approvals=1');
      for (const who of ['bob', 'carol', 'dave']) await h.ok(who, '/vote P1 yes');
      await h.ok('alice', '/task post Elsewhere', OTHER);
      clock.advance(73 * HOUR_MS);
      const closed = await new Governance(storage, clock).runDue();
      expect(closed.length).toBeGreaterThan(0);
      await settingsStore(storage).setSetting('console.clock', '42');
      sqliteVerify = await h.verify();
      await storage.close();

      const lite = openDatabase(source).$client;
      expect(lite.prepare('select status from proposals where number = 1').get()).toEqual({
        status: 'passed',
      });
      sqliteHead = lite
        .prepare('select seq, hash from audit where community_id = 1 order by seq desc limit 1')
        .get() as { seq: number; hash: string };
      sqliteDump = await dumpAll(async (text) => lite.prepare(text).all() as Record<string, unknown>[]);
      lite.close();
      for (const name of [
        'tasks',
        'claims',
        'submissions',
        'vote_marks',
        'ledger',
        'ledger_people',
        'audit',
        'kv',
      ])
        expect(sqliteDump[name]!.length, name).toBeGreaterThan(0);
    });

    afterAll(async () => {
      for (const p of pools.values()) await p.end();
      rmSync(dir, { recursive: true, force: true });
    });

    it('copies every row of every table, and /commons verify passes on the copy with the same head', async () => {
      const to = await newPgDatabase();
      const lines: string[] = [];
      const report = await copySqliteToPg({ from: source, to, batchSize: 3, log: (l) => lines.push(l) });

      expect(await dumpAll((text) => rows(to, text))).toEqual(sqliteDump);
      expect(report.tables).toEqual(
        copyPlan().map((t) => ({ table: t.name, rows: sqliteDump[t.name]!.length })),
      );
      expect(lines).toContain(`tasks: ${sqliteDump.tasks!.length}`);
      expect(lines).toContain(
        `  console:test: #${sqliteHead.seq} ${sqliteHead.hash} → #${sqliteHead.seq} ${sqliteHead.hash}`,
      );
      expect(report.heads[0]).toEqual({ community: 'console:test', ...sqliteHead });
      // Analysed after the copy, so the first queries are not planned as if the tables were empty.
      const stats = await rows(to, "select last_analyze from pg_stat_user_tables where relname = 'tasks'");
      expect(stats[0]?.last_analyze).toBeTruthy();

      const storage = pgStorage(pool(to));
      const copy = driver(new Governance(storage, clock), 'copy-e');
      const verified = await copy.verify();
      expect(verified).toBe(sqliteVerify);
      expect(verified.split('\n')[0]).toBe(
        `Audit chain intact: ${sqliteHead.seq} events, head #${sqliteHead.seq} ${sqliteHead.hash}.`,
      );
    });

    it('resets the identity sequences: new rows on the copy get the next ids', async () => {
      const to = await newPgDatabase();
      await copySqliteToPg({ from: source, to });
      const copy = driver(new Governance(pgStorage(pool(to)), clock), 'copy-e');
      const max = async (table: string) =>
        Number((await rows(to, `select max(id) as m from "${table}"`))[0]!.m);
      const before = { tasks: await max('tasks'), members: await max('members') };

      expect((await copy.ok('zoe', '/task post After the move')).reply?.text).toMatch(/#3/);
      await copy.ok('alice', '/task post A new home', { platform: 'console', id: 'new' });
      expect(await max('tasks')).toBe(before.tasks + 2);
      expect(await max('members')).toBe(before.members + 2);
      expect(await rows(to, 'select id from communities order by id')).toEqual([
        { id: 1 },
        { id: 2 },
        { id: 3 },
      ]);
      expect((await copy.verify()).split('\n')[0]).toMatch(
        new RegExp(`^Audit chain intact: ${sqliteHead.seq + 1} events, head #${sqliteHead.seq + 1} `),
      );
    });

    it('refuses a target with rows, naming the table, and changes nothing', async () => {
      const to = await newPgDatabase();
      await rows(to, "insert into kv (key, value) values ('x', 'y')");
      await expect(copySqliteToPg({ from: source, to })).rejects.toThrow(
        /is not empty: table kv has rows\. .*Nothing was changed\./,
      );
      expect(await dumpAll((text) => rows(to, text))).toEqual({
        ...Object.fromEntries(copyPlan().map((t) => [t.name, []])),
        kv: ['{"key":"x","value":"y"}'],
      });

      const full = await newPgDatabase();
      await copySqliteToPg({ from: source, to: full });
      await expect(copySqliteToPg({ from: source, to: full })).rejects.toThrow(/table communities has rows/);
      expect(await dumpAll((text) => rows(full, text))).toEqual(sqliteDump);
    });

    it('is one transaction: a row PostgreSQL rejects in the last table leaves every table empty', async () => {
      const bad = join(dir, 'bad.db');
      copyFileSync(source, bad);
      const b = openDatabase(bad).$client;
      b.prepare("insert into kv (key, value) values ('nul', 'a' || char(0) || 'b')").run(); // text PostgreSQL refuses
      b.close();
      const to = await newPgDatabase();
      await expect(copySqliteToPg({ from: bad, to })).rejects.toThrow(
        /^Copying table kv failed \(rows 1–2\): invalid byte sequence .*The transaction was rolled back: nothing was copied\.$/,
      );
      expect(await dumpAll((text) => rows(to, text))).toEqual(
        Object.fromEntries(copyPlan().map((t) => [t.name, []])),
      );
    });

    it('refuses a source that is missing, not SQLite, or migrated by another build, and creates no file', async () => {
      const to = await newPgDatabase();
      const missing = join(dir, 'nowhere', 'missing.db');
      await expect(copySqliteToPg({ from: missing, to })).rejects.toThrow(
        new CopyError(
          `The source ${missing} does not exist. Give --from the SQLite file Ostrom ran on. Nothing was changed.`,
        ),
      );
      expect(existsSync(missing)).toBe(false);

      const text = join(dir, 'notes.txt');
      writeFileSync(text, 'not a database\n');
      await expect(copySqliteToPg({ from: text, to })).rejects.toThrow(
        /notes\.txt is not an SQLite database/,
      );

      const older = join(dir, 'older.db');
      const o = openDatabase(older).$client;
      o.prepare(
        'delete from __drizzle_migrations where created_at = (select max(created_at) from __drizzle_migrations)',
      ).run();
      o.close();
      await expect(copySqliteToPg({ from: older, to })).rejects.toThrow(
        /migrated by an older Ostrom: 1 migration/,
      );

      const newer = join(dir, 'newer.db');
      const n = openDatabase(newer).$client;
      n.prepare("insert into __drizzle_migrations (hash, created_at) values ('x', 4102444800000)").run();
      n.close();
      await expect(copySqliteToPg({ from: newer, to })).rejects.toThrow(/migrated by a newer Ostrom/);

      expect(await rows(to, 'select count(*)::int as n from communities')).toEqual([{ n: 0 }]);
    });

    /** `npm run db:copy`'s command, in its own process group (killed at the end whatever happens). */
    function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/db/copy.ts', ...args], {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
        detached: true,
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const kill = () => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      };
      const timer = setTimeout(kill, 15_000);
      return new Promise((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code) => {
          clearTimeout(timer);
          kill();
          resolve({ code, stdout, stderr });
        });
      });
    }

    it('runs from the command line, printing tables and heads but never the password', async () => {
      const url = new URL(await newPgDatabase());
      url.password = 'hunter2'; // the test cluster trusts local connections: any password gets in
      const run = await cli(['--from', source, '--to', url.toString()]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`tasks: ${sqliteDump.tasks!.length}\n`);
      expect(run.stdout).toContain(
        `console:test: #${sqliteHead.seq} ${sqliteHead.hash} → #${sqliteHead.seq}`,
      );
      expect(run.stdout).toMatch(/^Committed: \d+ tables, \d+ rows\.$/m);
      expect(run.stdout).not.toContain('hunter2');
      expect(await dumpAll((text) => rows(url.toString(), text))).toEqual(sqliteDump);

      const again = await cli(['--from', source, '--to', url.toString()]);
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/table communities has rows/);
      expect(again.stderr + again.stdout).not.toContain('hunter2');
    }, 30_000);

    it('without --from or --to prints the usage line and exits 2', async () => {
      const run = await cli(['--to', 'postgres://nobody@127.0.0.1:1/x']);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        'Usage: npm run db:copy -- --from <SQLite file> --to <postgres://user:password@host:port/db>\n',
      );
      expect((await cli([])).code).toBe(2);
    }, 30_000);
  },
);
