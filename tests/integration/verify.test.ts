import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { appendAudit } from '../../src/core/commons/audit.js';
import { Governance } from '../../src/core/index.js';
import { loadRules } from '../../src/core/community/community.js';
import { VERIFY_PAGE } from '../../src/core/commons/verify.js';
import { sqliteStorage } from '../../src/db/storage.js';
import { openDatabase, type SqliteDb } from '../../src/db/client.js';
import { communities } from '../../src/db/schema.js';
import { makeCore, type Harness } from '../helpers/core.js';
import { testDialect } from '../helpers/test-db.js';

/** Two accepted contributions (#1 by bob, #2 by erin), an open task #3 and a proposal P1. */
async function community(): Promise<Harness> {
  const h = makeCore();
  for (const [n, who] of [
    [1, 'bob'],
    [2, 'erin'],
  ] as const) {
    await h.ok('alice', `/task post Task number ${n} skills:docs`);
    await h.ok(who, `/task claim ${n}`);
    await h.ok(who, `/task submit ${n} link:https://example.org/pr/${n}`);
    await h.ok('carol', `/review ${n} approve`);
    await h.ok('dave', `/review ${n} approve`);
  }
  await h.ok('alice', '/task post Still open');
  await h.ok('alice', '/propose Adopt a code of conduct');
  return h;
}

const sql = async (h: Harness, text: string, ...params: unknown[]) => void (await h.query(text, ...params));
const verify = async (h: Harness, anchor = '') =>
  (await h.ok('frank', `/commons verify ${anchor}`)).reply!.text;
const head = async (h: Harness) =>
  (await h.one<{ seq: number; hash: string }>('select seq, hash from audit order by seq desc limit 1'))!;

describe('/commons verify checks what people read against the audit chain', () => {
  it('says intact, with the head seq and full hash an outsider can keep', async () => {
    const h = await community();
    const text = await verify(h);
    const { seq, hash } = await head(h);
    expect(text.split('\n')).toEqual([
      `Audit chain intact: ${seq} events, head #${seq} ${hash}.`,
      'The ledger (2 entries, with their tasks and people), 3 tasks and 1 proposals match their events.',
      `Save this head outside Ostrom; later, \`/commons verify ${seq}:${hash}\` shows whether the chain still holds it.`,
    ]);
  });

  const failed = async (h: Harness) => {
    const text = await verify(h);
    expect(text).toMatch(/^Audit check FAILED: /);
    return text.split('\n')[0]!;
  };

  it.each([
    [
      'a ledger link',
      "update ledger set link = 'https://evil.example' where id = 1",
      'ledger entry for task #1 (event #6, contribution.accepted): link is "https://evil.example" in the database but "https://example.org/pr/1" in the audit event.',
    ],
    [
      'a ledger license',
      "update ledger set license = 'MIT' where id = 2",
      'license is "MIT" in the database but "CC-BY-SA-4.0"',
    ],
    [
      'a ledger time',
      'update ledger set accepted_at = accepted_at + 1000 where id = 1',
      'accepted_at is "2026-01-05T12:00:01.000Z" in the database but "2026-01-05T12:00:00.000Z"',
    ],
    [
      'the audit hash of an entry',
      "update ledger set audit_hash = 'ab' where id = 2",
      'task #2 (event #12, contribution.accepted): audit_hash is "ab"',
    ],
    [
      'a contributor in the ledger',
      `update ledger set contributors = replace(contributors, '"bob"', '"mallory"') where id = 1`,
      'contributors is ["mallory"] in the database but ["bob"]',
    ],
    [
      "a contributor's name in the ledger",
      `update ledger set contributors = replace(contributors, '"name":"bob"', '"name":"Mallory"') where id = 1`,
      'the name of bob is "Mallory" in the database but "bob"',
    ],
    [
      'a reviewer dropped from the ledger',
      // PostgreSQL has no json_remove: jsonb's `- 1` drops the element at index 1.
      testDialect === 'pg'
        ? 'update ledger set reviewers = (reviewers::jsonb - 1)::text where id = 2'
        : `update ledger set reviewers = json_remove(reviewers, '$[1]') where id = 2`,
      'reviewers is ["carol"] in the database but ["carol","dave"]',
    ],
    [
      'the title of an accepted task',
      "update tasks set title = 'Something else' where number = 2",
      'task #2 (event #7, task.posted): title is "Something else" in the database but "Task number 2"',
    ],
    [
      'the title of an open task',
      "update tasks set title = 'Pay mallory' where number = 3",
      'task #3 (event #13, task.posted): title is "Pay mallory"',
    ],
    [
      'the title of a proposal',
      "update proposals set title = 'Abolish review' where number = 1",
      'proposal P1 (event #14, proposal.opened): title is "Abolish review"',
    ],
    [
      'who a ledger_people row names',
      "update ledger_people set member_id = (select id from members where user_id = 'alice') where ledger_id = 1 and role = 'contributor'",
      'ledger entry for task #1 (event #6, contribution.accepted): ledger_people has',
    ],
    [
      'a ledger_people row deleted',
      "delete from ledger_people where ledger_id = 2 and role = 'reviewer' and member_id = (select id from members where user_id = 'dave')",
      'ledger entry for task #2 (event #12, contribution.accepted): ledger_people has',
    ],
    [
      'a ledger_people row added',
      "insert into ledger_people (ledger_id, community_id, member_id, role) select 1, community_id, id, 'reviewer' from members where user_id = 'erin'",
      'ledger entry for task #1 (event #6, contribution.accepted): ledger_people has',
    ],
    [
      'a ledger entry deleted',
      'delete from ledger_people where ledger_id = 2; delete from ledger where id = 2',
      'ledger entry for task #2 (event #12, contribution.accepted): the ledger has no entry for it.',
    ],
    [
      'a ledger entry added by hand',
      `insert into ledger (community_id, task_id, submission_id, contributors, reviewers, link, license, accepted_at, audit_hash)
       select community_id, (select id from tasks where number = 3), (select max(id) from submissions), contributors, reviewers, link, license, accepted_at, audit_hash from ledger where id = 1`,
      'ledger entry for task #3: no contribution.accepted event in the audit chain has it',
    ],
  ])('names the first mismatch after editing %s', async (_, statement, expected) => {
    const h = await community();
    if (statement.includes('(select max(id) from submissions)')) {
      // A submission row for the hand-made entry to point at, as a forger would add.
      await sql(
        h,
        "insert into submissions (community_id, task_id, submitter_id, status, created_at) select community_id, id, poster_id, 'accepted', created_at from tasks where number = 3",
      );
    }
    await h.exec(statement);
    expect(await failed(h)).toContain(expected);
  });

  it('notices the newest event deleted when the numbering shows it: a task without its task.posted event', async () => {
    const h = await community();
    await h.ok('alice', '/task post The newest task');
    await sql(h, 'delete from audit where seq = (select max(seq) from audit)');
    expect(await failed(h)).toBe(
      'Audit check FAILED: task #4 was numbered (the community is at #4) but has no task.posted event: the newest audit events may have been deleted.',
    );
  });

  it('notices the newest event deleted when it accepted a contribution: the entry has no event', async () => {
    const h = await community();
    expect(await h.one('select type from audit order by seq desc limit 1')).toEqual({
      type: 'proposal.opened',
    });
    await sql(h, 'delete from audit where seq = (select max(seq) from audit)');
    expect(await failed(h)).toContain(
      'proposal P1 was numbered (the community is at P1) but has no proposal.opened event',
    );
    const g = makeCore();
    await g.ok('alice', '/task post Only');
    await g.ok('bob', '/task claim 1');
    await g.ok('bob', '/task submit 1');
    await g.ok('carol', '/review 1 approve');
    await g.ok('dave', '/review 1 approve');
    await sql(g, 'delete from audit where seq = (select max(seq) from audit)');
    expect(await failed(g)).toContain(
      'ledger entry for task #1: no contribution.accepted event in the audit chain has it',
    );
  });

  it('checks an anchor: the saved head must still be in the chain with the same hash', async () => {
    const h = await community();
    const saved = await head(h);
    const anchor = `${saved.seq}:${saved.hash}`;
    await h.ok('carol', '/vote 1 yes');
    expect((await verify(h, anchor)).split('\n').at(-1)).toBe(
      `Anchor #${saved.seq} ${saved.hash}: still in the chain.`,
    );
    expect(await verify(h, `#${saved.seq} ${saved.hash.toUpperCase()}`)).toContain('still in the chain');

    // Deleting the newest events back to before the anchor leaves no trace but this.
    await sql(h, 'delete from audit where seq >= ?', saved.seq);
    const cut = await verify(h, anchor);
    expect(cut).toMatch(/^Audit check FAILED|^Audit chain intact/);
    expect(cut.split('\n').at(-1)).toBe(
      `Anchor #${saved.seq} ${saved.hash}: MISSING: the chain has only ${saved.seq - 1} events, so events after #${saved.seq - 1} were deleted.`,
    );

    // …and new events written over the gap do not hide it.
    await h.ok('alice', '/digest now');
    expect((await verify(h, anchor)).split('\n').at(-1)).toBe(
      `Anchor #${saved.seq} ${saved.hash}: DOES NOT MATCH: event #${saved.seq} has a different hash now.`,
    );
  });

  it('refuses an anchor that is not SEQ:HASH, naming the option', async () => {
    const h = await community();
    expect((await h.cmd('alice', '/commons verify 12:abc')).error?.message).toMatch(
      /^Invalid `anchor` for `\/commons verify`: must be SEQ:HASH/,
    );
    expect(await verify(h)).toMatch(/^Audit chain intact/);
  });

  it('still names a broken link in the chain itself', async () => {
    const h = await community();
    await sql(h, "update audit set data = replace(data, 'bob', 'mallory') where seq = 3");
    expect(await verify(h)).toMatch(
      /^Audit chain BROKEN at event #3: content does not match its hash\. The 2 events before it verify/,
    );
  });
});

describe('/commons verify reads in pages', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  /** Counts the rows each transaction reads (a statement outside one is its own). */
  function trackReads(db: SqliteDb) {
    const client = db.$client;
    const perTx: number[] = [];
    let inTx = false;
    const prepare = client.prepare.bind(client);
    client.prepare = ((source: string) => {
      const stmt = prepare(source);
      const all = stmt.all.bind(stmt);
      const get = stmt.get.bind(stmt);
      const count = (n: number) => {
        if (inTx) perTx[perTx.length - 1]! += n;
        else perTx.push(n);
      };
      stmt.all = ((...a: unknown[]) => {
        const rows = all(...a);
        count(rows.length);
        return rows;
      }) as typeof stmt.all;
      stmt.get = ((...a: unknown[]) => {
        const row = get(...a);
        count(row === undefined ? 0 : 1);
        return row;
      }) as typeof stmt.get;
      return stmt;
    }) as typeof client.prepare;
    // Every unit of work of the storage port is BEGIN … COMMIT (or ROLLBACK) on this connection.
    const exec = client.exec.bind(client);
    const hooks: (() => void | Promise<void>)[] = [];
    /** What the hooks started (another process writing between pages); awaited before asserting. */
    const started: Promise<void>[] = [];
    const seen = (source: string) => {
      if (/^BEGIN/i.test(source)) {
        perTx.push(0);
        const run = hooks.shift()?.();
        if (run) started.push(run);
        inTx = true;
      } else if (/^(COMMIT|ROLLBACK)/i.test(source)) inTx = false;
    };
    client.exec = ((source: string) => {
      const r = exec(source);
      seen(source);
      return r;
    }) as typeof client.exec;
    // The storage runs BEGIN and COMMIT as statements it prepared once (perhaps before this test
    // looked): every statement of the connection shares better-sqlite3's prototype.
    type Stmt = { run: (...a: unknown[]) => unknown; source: string; database: unknown };
    const proto = Object.getPrototypeOf(client.prepare('SELECT 1')) as Stmt;
    const run = proto.run;
    proto.run = function (this: Stmt, ...a: unknown[]) {
      const r = run.apply(this, a);
      if (this.database === client) seen(this.source);
      return r;
    };
    onTestFinished(() => {
      proto.run = run;
    });
    return { perTx, hooks, started };
  }

  // SQLite only: it counts rows through better-sqlite3's statements and writes from a second connection.
  it.skipIf(testDialect === 'pg')(
    'on 20,000 events: no transaction reads more than one page, and other writers commit between pages',
    async () => {
      dir = mkdtempSync(join(tmpdir(), 'ostrom-verify-'));
      const path = join(dir, 'ostrom.db');
      const h = makeCore({ path });
      await h.ok('alice', '/task post Before the filler');
      await h.storage.write(async (db) => {
        const community = (await db.select().from(communities))[0]!;
        const ctx = {
          db,
          now: h.clock.t,
          platform: 'console' as const,
          community,
          rules: await loadRules(db, community.id),
          channelId: '',
          effects: [],
        };
        for (let i = 0; i < 20_000; i++) await appendAudit(ctx, 'test.filler', { i });
      });
      await h.ok('bob', '/task claim 1');
      const events = (await head(h)).seq;
      expect(events).toBeGreaterThan(20_000);

      // Another process on the same file: it must be able to write while verify reads.
      const other = new Database(path);
      other.pragma('busy_timeout = 0');
      const otherDb = openDatabase(path);
      const otherCore = new Governance(sqliteStorage(otherDb), { now: () => h.clock.t });
      const { perTx, hooks, started } = trackReads(h.t.sqlite!);
      let wrote = 0;
      hooks.push(
        () => undefined, // the command's own transaction
        () => undefined, // the snapshot
        () => undefined,
        async () => {
          other.prepare("insert into kv (key, value) values ('between-pages', '1')").run();
          // A task posted meanwhile is after the snapshot: neither checked nor a stray.
          const out = await otherCore.handle({
            type: 'command',
            community: h.community,
            channelId: 'general',
            actor: { userId: 'erin', name: 'erin' },
            command: { text: '/task post Posted while verifying' },
          });
          expect(out.error).toBeUndefined();
          wrote++;
        },
      );
      const text = await verify(h);
      await Promise.all(started);
      other.close();
      otherDb.$client.close();
      expect((await head(h)).seq).toBeGreaterThan(events);

      expect(wrote).toBe(1);
      expect(text).toMatch(
        new RegExp(`^Audit chain intact: ${events} events, head #${events} [0-9a-f]{64}\\.`),
      );
      expect(perTx.length).toBeGreaterThanOrEqual(Math.ceil(events / VERIFY_PAGE));
      // One page of events, and the few rows its task events describe.
      expect(Math.max(...perTx)).toBeLessThanOrEqual(VERIFY_PAGE + 10);
    },
  );
});
