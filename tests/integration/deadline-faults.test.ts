import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { claimDeadline, dueDeadlines, MAX_ATTEMPTS } from '../../src/core/shared/deadlines.js';
import { job, jobKinds, jobs } from '../../src/core/jobs.js';
import { HOUR_MS } from '../../src/core/shared/model.js';
import { makeCore, recordingLog, T0, TestClock, type Harness, breakClosing } from '../helpers/core.js';

const dir = mkdtempSync(join(tmpdir(), 'ostrom-deadlines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let explosions = 0;
/** This build's jobs, and one that always throws. */
const withExplosions = {
  ...jobs,
  'test.explode': job(z.object({ why: z.string() }), (_ctx, p) => {
    explosions++;
    throw new Error(p.why);
  }),
};

interface DeadlineState {
  status: string;
  attempts: number;
  last_error: string | null;
  due_at: number;
}

async function addDeadline(h: Harness, key: string, kind: string, dueAt: number, payload: string) {
  await h.query(
    `insert into deadlines (community_id, key, kind, due_at, payload, status)
     values ((select id from communities limit 1), ?, ?, ?, ?, 'pending')`,
    key,
    kind,
    dueAt,
    payload,
  );
}

async function deadline(h: Harness, key: string): Promise<DeadlineState> {
  return (await h.one<DeadlineState>(
    'select status, attempts, last_error, due_at from deadlines where key = ?',
    key,
  ))!;
}

const outcomeTexts = (h: Harness, outs: Awaited<ReturnType<Harness['advance']>>) => h.texts(outs).join('\n');

describe('the deadline runner under faults', () => {
  it('a throwing deadline neither blocks later ones nor drops those run before it, and is retried with backoff until given up', async () => {
    const { log, entries } = recordingLog();
    const h = makeCore({ log, jobs: withExplosions });
    await h.ok('alice', '/propose First rule:lazy hours:1'); // closes at T0+1h
    await addDeadline(h, 'test:boom', 'test.explode', T0 + 2 * HOUR_MS, '{"why":"disk on fire"}');
    await h.ok('alice', '/propose Second rule:lazy hours:3'); // closes at T0+3h

    const outs = await h.advance(4 * HOUR_MS);
    const text = outcomeTexts(h, outs);
    expect(text).toMatch(/P1 "First" passed/);
    expect(text).toMatch(/P2 "Second" passed/);
    const first = await deadline(h, 'test:boom');
    expect(first).toMatchObject({ status: 'pending', attempts: 1, last_error: 'disk on fire' });
    expect(first.due_at).toBe(h.clock.t + 60_000); // first retry a minute later
    expect(entries).toHaveLength(1);
    expect(entries[0]!.level).toBe('warn');
    expect(entries[0]!.message).toMatch(/Deadline test:boom \(test\.explode\) failed \(attempt 1 of 5\)/);

    // Not retried before its time; then once per backoff step (1, 4, 16, 64 minutes).
    expect(await h.advance(30_000)).toEqual([]);
    expect(explosions).toBe(1);
    for (const wait of [1, 4, 16, 64]) {
      await h.advance(wait * 60_000);
    }
    expect(explosions).toBe(MAX_ATTEMPTS);
    expect(await deadline(h, 'test:boom')).toMatchObject({ status: 'failed', attempts: MAX_ATTEMPTS });
    const last = entries.at(-1)!;
    expect(last.level).toBe('error');
    expect(last.message).toMatch(/Deadline test:boom \(test\.explode\) FAILED after 5 attempt\(s\)/);
    expect(last.message).toMatch(/disk on fire/);
    expect(last.message).toMatch(/UPDATE deadlines SET status='pending', attempts=0 WHERE key='test:boom'/);
    await h.advance(h.days(30));
    expect(explosions).toBe(MAX_ATTEMPTS);
  });

  it('a job that fails for a while is rolled back each time and applied once when it succeeds', async () => {
    const { log } = recordingLog();
    const h = makeCore({ log });
    await h.ok('alice', '/propose Lower the bar rule:lazy hours:1 change:review.approvals=1');
    // A fault inside the job, after it changed the rule: the whole run must roll back.
    await breakClosing(h);
    expect(await h.advance(2 * HOUR_MS)).toEqual([]);
    expect((await h.ok('alice', '/commons config')).reply?.text).toMatch(/review\.approvals = 2 /);
    expect(await deadline(h, await closeKey(h))).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: 'the disk is full',
    });

    await h.exec(h.dialect === 'pg' ? 'drop trigger fault on audit' : 'drop trigger fault');
    const outs = await h.advance(60_000);
    expect(outcomeTexts(h, outs).match(/P1 "Lower the bar" passed/g)).toHaveLength(1);
    expect((await h.ok('alice', '/commons config')).reply?.text).toMatch(/review\.approvals = 1 /);
    expect(await h.advance(h.days(1))).toEqual([]);
  });

  it('a deadline whose payload does not fit its kind is failed at once, loudly, and the rest run', async () => {
    const { log, entries } = recordingLog();
    const h = makeCore({ log });
    await h.ok('alice', '/propose Fine rule:lazy hours:2');
    await addDeadline(h, 'bad:1', 'proposal.close', T0 + HOUR_MS, '{"proposalId":"one"}');
    await addDeadline(h, 'bad:2', 'digest.post', T0 + HOUR_MS, 'not json');
    const outs = await h.advance(3 * HOUR_MS);
    expect(outcomeTexts(h, outs)).toMatch(/P1 "Fine" passed/);
    expect(await deadline(h, 'bad:1')).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await deadline(h, 'bad:1')).last_error).toMatch(/bad payload for proposal\.close.*proposalId/);
    expect((await deadline(h, 'bad:2')).last_error).toMatch(/payload is not JSON/);
    expect(entries.map((e) => e.level)).toEqual(['error', 'error']);
  });

  it('a deadline re-armed by another process is not claimed again until it is due', async () => {
    const path = join(dir, 'rearm.db');
    const clock = new TestClock();
    const one = makeCore({ path, clock });
    const two = makeCore({ path, at: await one.t.location(), clock });
    await one.ok('alice', '/digest schedule daily at:13:00 tz:UTC');
    clock.advance(2 * HOUR_MS);
    // Process two lists what is due, then process one runs it first (and re-arms it for tomorrow).
    const listed = await two.storage.read((db) => dueDeadlines(db, clock.now(), jobKinds()));
    expect(listed.map((d) => d.kind)).toEqual(['digest.post']);
    expect(await one.core.runDue()).toHaveLength(1);
    expect(await two.storage.write((db) => claimDeadline(db, listed[0]!.id, clock.now()))).toBe(false);
    expect(await two.core.runDue()).toEqual([]);
  });
});

async function closeKey(h: Harness): Promise<string> {
  return (await h.one<{ key: string }>("select key from deadlines where kind = 'proposal.close'"))!.key;
}
