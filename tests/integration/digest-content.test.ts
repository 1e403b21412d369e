import { describe, expect, it } from 'vitest';
import { recountOpenTasks } from '../../src/core/tasks/open-tasks.js';
import { proposals, tasks, taskSkills, voteMarks } from '../../src/db/schema.js';
import type { View } from '../../src/core/shared/views.js';
import { FIELDS_MAX, TOTAL_MAX, viewLength } from '../../src/core/shared/view-limits.js';
import { recountVotes } from '../../src/core/votes/marks.js';
import { makeCore, submittedTask, type Harness } from '../helpers/core.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** `/digest now` in `channelId`: the card it posted there. */
async function digest(h: Harness, channelId = 'general'): Promise<View> {
  const out = await h.ok('alice', '/digest now', { channelId });
  expect(out.reply).toEqual({ private: true, text: `Digest posted in #${channelId}.` });
  const posts = out.effects.filter((e) => e.type === 'post');
  expect(posts).toHaveLength(1);
  expect(posts[0]).toMatchObject({ type: 'post', channelId });
  return (posts[0] as { view: View }).view;
}

const field = (v: View, prefix: string) => v.fields.find((f) => f.name.startsWith(prefix));
const names = (v: View) => v.fields.map((f) => f.name);

async function memberId(h: Harness, userId: string): Promise<number> {
  return (await h.one<{ id: number }>('select id from members where user_id = ?', userId))!.id;
}

/** An open proposal straight into its table (proposals.ts is another module's), with votes as marks. */
async function openProposal(
  h: Harness,
  number: number,
  title: string,
  closesIn: number,
  votes: Record<string, 'yes' | 'no' | 'abstain'> = {},
  minMemberDays = 0,
) {
  const now = h.clock.t;
  const authorId = await memberId(h, 'alice');
  const voters = await Promise.all(
    Object.entries(votes).map(async ([u, v]) => [await memberId(h, u), v] as const),
  );
  await h.storage.write(async (db) => {
    const [p] = await db
      .insert(proposals)
      .values({
        communityId: 1,
        number,
        title,
        authorId,
        rule: 'consent',
        quorum: 3,
        minMemberDays,
        channelId: 'general',
        status: 'open',
        opensAt: now,
        closesAt: now + closesIn,
      })
      .returning();
    for (const [memberId, value] of voters) {
      await db.insert(voteMarks).values({
        communityId: 1,
        targetType: 'proposal',
        targetId: p!.id,
        memberId,
        source: 'command',
        value,
        createdAt: now,
      });
    }
    // Marks written straight to the table: their latest flags and counts, as the core keeps them.
    await recountVotes(db, 1, { type: 'proposal', id: p!.id });
  });
}

describe('digest content', () => {
  it('an empty community gets a short digest with no sections', async () => {
    const h = makeCore();
    const v = await digest(h);
    expect(v.fields).toEqual([]);
    expect(v.description).toMatch(
      /first digest here: the last 7 days\)\.\nAll quiet: nothing new, nothing waiting\.$/,
    );
  });

  it('shows each section when it has content, with counts and tallies', async () => {
    const h = makeCore();
    await submittedTask(h); // #1 docs, claimed by bob, submitted
    await h.ok('carol', '/review 1 approve');
    await h.ok('alice', '/task post Accepted work skills:code'); // #2
    await h.ok('erin', '/task claim 2');
    await h.ok('erin', '/task submit 2 link:https://example.org/2');
    await h.ok('carol', '/review 2 approve');
    await h.ok('dave', '/review 2 approve'); // accepted
    await h.ok('alice', '/task post Translate the guide skills:docs,i18n slots:3'); // #3
    await h.ok('frank', '/task claim 3');
    await h.ok('alice', '/task post Tidy the wiki'); // #4, no skill
    await h.ok('alice', '/task post Old claim skills:design'); // #5, claimed, expires in 14 days
    await h.ok('gina', '/task claim 5');
    await h.advance(12 * DAY); // gina's claim now expires in 2 days
    await h.ok('dave', '/review 1 object reason:"needs an index"');
    await h.ok('carol', '/task list'); // carol, dave, erin, … are members now
    await openProposal(h, 1, 'Adopt MIT for code', 5 * HOUR, { carol: 'yes', dave: 'no' });
    await openProposal(h, 2, 'Closes later', 72 * HOUR);

    const v = await digest(h);
    expect(names(v)).toEqual([
      'Open · docs (1)',
      'Open · i18n (1)',
      'Open · other (1)',
      'Awaiting review (1)',
      'Proposals closing within 48 h (1)',
      'Claims expiring within 3 days (2)',
    ]);
    expect(field(v, 'Open · docs')!.value).toBe('#3 Translate the guide · 2 of 3 slots free');
    expect(field(v, 'Open · other')!.value).toBe('#4 Tidy the wiki');
    expect(field(v, 'Awaiting review')!.value).toBe(
      '#1 Write the guide · 1/2 approvals, 1 missing · 1 objection (dave)',
    );
    // Seven members, none too new to vote; carol and dave voted.
    expect(field(v, 'Proposals closing')!.value).toBe(
      'P1 Adopt MIT for code · closes in 5 h · yes 1 · no 1 · abstain 0 · 5 not voted yet',
    );
    // bob's claim is submitted, so it no longer expires; the two others do.
    expect(field(v, 'Claims expiring')!.value).toBe(
      '#3 Translate the guide · frank · expires in 2 days\n#5 Old claim · gina · expires in 2 days',
    );
    // Twelve days on, the week's new tasks and contributions of the first digest are no longer new.
    expect(field(v, 'New tasks')).toBeUndefined();
    expect(field(v, 'Accepted')).toBeUndefined();
  });

  it('new tasks and accepted contributions are those since the last digest in that channel', async () => {
    const h = makeCore();
    await h.ok('alice', '/task post Old task');
    await h.advance(8 * DAY);
    await h.ok('alice', '/task post Write the guide skills:docs'); // #2
    await h.ok('bob', '/task claim 2');
    await h.ok('bob', '/task submit 2');
    await h.ok('carol', '/review 2 approve');
    await h.ok('dave', '/review 2 approve');
    await h.ok('alice', '/task post Fix the logo skills:design'); // #3

    const first = await digest(h);
    expect(field(first, 'New tasks this week')).toEqual({
      name: 'New tasks this week (2)',
      value: '#2 Write the guide · docs\n#3 Fix the logo · design',
    });
    expect(field(first, 'Accepted into the commons')).toEqual({
      name: 'Accepted into the commons (1)',
      value: '#2 Write the guide · by bob · reviewed by carol, dave · CC-BY-SA-4.0',
    });

    await h.advance(MIN);
    await h.ok('alice', '/task post Translate skills:i18n'); // #4
    const second = await digest(h);
    expect(field(second, 'New tasks')).toEqual({
      name: 'New tasks since the last digest (1)',
      value: '#4 Translate · i18n',
    });
    expect(field(second, 'Accepted')).toBeUndefined();

    await h.advance(MIN);
    const third = await digest(h);
    expect(field(third, 'New tasks')).toBeUndefined();
    // Another channel has its own mark: its first digest shows the week.
    expect(field(await digest(h, 'dev'), 'New tasks')?.name).toBe('New tasks this week (3)');

    const audit = await h.query<{ data: string }>(
      "select data from audit where type = 'digest.posted' order by seq",
    );
    expect(audit.map((r) => JSON.parse(r.data) as { channel: string; via: string })).toMatchObject([
      { channel: 'general', via: 'command' },
      { channel: 'general', via: 'command' },
      { channel: 'general', via: 'command' },
      { channel: 'dev', via: 'command' },
    ]);
  });

  it('counts eligible members who have not voted on a closing proposal', async () => {
    const h = makeCore();
    for (const u of ['alice', 'bob', 'carol', 'dave', 'erin']) await h.ok(u, '/task list');
    await openProposal(h, 1, 'Adopt MIT', 30 * HOUR, { bob: 'yes', carol: 'abstain' });
    // P2 froze votes.minMemberDays = 1 and everyone joined today: no one may vote on it yet.
    await openProposal(h, 2, 'Raise the bar', 40 * HOUR, { bob: 'yes' }, 1);
    expect(field(await digest(h), 'Proposals closing')!.value).toBe(
      'P1 Adopt MIT · closes in 30 h · yes 1 · no 0 · abstain 1 · 3 not voted yet\nP2 Raise the bar · closes in 40 h · yes 0 · no 0 · abstain 0 · 0 not voted yet',
    );
  });

  it('stays fast and within the limits with 10,000 open tasks', async () => {
    const h = makeCore();
    await h.ok('alice', '/task list');
    const now = h.clock.t;
    const alice = await memberId(h, 'alice');
    await h.storage.write(async (db) => {
      // In batches of 1,000 rows: one statement's parameters stay within both dialects' limits.
      for (let from = 1; from <= 10_000; from += 1000) {
        const rows = Array.from({ length: 1000 }, (_, i) => {
          const n = from + i;
          return {
            communityId: 1,
            number: n,
            title: `Task ${n} with a title of some length`,
            skills: n % 10 === 0 ? '' : `skill-${n % 12}`,
            slots: 1,
            license: 'MIT',
            status: 'open' as const,
            posterId: alice,
            channelId: 'general',
            createdAt: now - n * MIN,
            updatedAt: now - n * MIN,
          };
        });
        const ids = await db.insert(tasks).values(rows).returning({ id: tasks.id, skills: tasks.skills });
        const skills = ids
          .filter((t) => t.skills)
          .map((t) => ({ taskId: t.id, communityId: 1, skill: t.skills }));
        await db.insert(taskSkills).values(skills);
      }
      // Tasks written straight to the table: their open counts, as the core keeps them.
      await recountOpenTasks(db, 1);
    });

    // PostgreSQL plans by its statistics, which autovacuum refreshes a while after a bulk insert; a
    // community that grew to 10,000 tasks has them. Without them this digest took over a minute.
    if (h.dialect === 'pg') await h.exec('analyze');
    const started = performance.now();
    const v = await digest(h);
    const ms = performance.now() - started;
    expect(ms).toBeLessThan(1500);
    expect(v.fields.length).toBeLessThanOrEqual(FIELDS_MAX);
    expect(viewLength(v)).toBeLessThanOrEqual(TOTAL_MAX);
    expect(v.description).toContain('10000 new · 10000 open with a free slot');
    expect(field(v, 'New tasks this week (10000)')!.value).toMatch(/\n…and \d+ more$/);
    expect(field(v, 'Open · other (1000)')!.value).toMatch(/^#10 Task 10 .*\n…and 995 more$/s);
    // 12 skills and "other": 8 skill groups are loaded; the other 4 are summed up.
    expect(field(v, 'Open · more skills')!.value).toBe('…and 4 more skills');
  });
});
