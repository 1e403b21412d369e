/**
 * The open tasks' counts (`communities.open_tasks`, `open_task_skills`) that `/task list` and the digest
 * read: after every step of a random walk of posts (with and without skills, one or more slots),
 * claims, unclaims, submissions, reviews, cancellations and claims expiring, they equal the counts
 * taken from the tasks themselves; and the migration's backfill sets them for existing tasks.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { recountOpenTasks } from '../../src/core/tasks/open-tasks.js';
import { DAY_MS } from '../../src/core/shared/model.js';
import { rng } from '../bench/shape.js';
import { makeCore, type Harness } from '../helpers/core.js';

const OPEN = `t.community_id = 1 and t.status in ('open', 'claimed') and t.slots > t.taken`;

/** The counts taken from the tasks, and the counts kept. */
async function counts(h: Harness) {
  const fromTasks = {
    total: Number((await h.one<{ n: number }>(`select count(*) as n from tasks t where ${OPEN}`))!.n),
    bySkill: (
      await h.query<{ skill: string; n: number }>(
        `select coalesce(s.skill, '') as skill, count(*) as n from tasks t
         left join task_skills s on s.task_id = t.id where ${OPEN} group by coalesce(s.skill, '')`,
      )
    )
      .map((r) => `${r.skill}=${Number(r.n)}`)
      .sort(),
  };
  const kept = {
    total: Number((await h.one<{ n: number }>('select open_tasks as n from communities where id = 1'))!.n),
    bySkill: (
      await h.query<{ skill: string; n: number }>(
        'select skill, n from open_task_skills where community_id = 1 and n <> 0',
      )
    )
      .map((r) => `${r.skill}=${Number(r.n)}`)
      .sort(),
  };
  return { fromTasks, kept };
}

describe('open task counts', () => {
  it('follow every change of a task, step by step', async () => {
    const h = makeCore();
    await h.ok('alice', '/commons setup review.approvals=1 claims.maxOpen=10');
    const r = rng(42);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
    const users = ['bob', 'carol', 'dave', 'erin'];
    const skillSets = ['', ' skills:docs', ' skills:docs,design', ' skills:code'];
    let posted = 0;
    let changes = 0;
    for (let step = 0; step < 250; step++) {
      const n = 1 + Math.floor(r() * Math.max(posted, 1));
      const who = pick(users);
      const roll = r();
      let out;
      if (roll < 0.2 || posted === 0) {
        out = await h.cmd(who, `/task post Task ${step}${pick(skillSets)} slots:${1 + Math.floor(r() * 3)}`);
        if (!out.error) posted++;
      } else if (roll < 0.45) out = await h.cmd(who, `/task claim ${n}`);
      else if (roll < 0.55) out = await h.cmd(who, `/task unclaim ${n}`);
      else if (roll < 0.7) out = await h.cmd(who, `/task submit ${n} link:https://example.org/${step}`);
      else if (roll < 0.85) out = await h.cmd(who, `/review ${n} ${pick(['approve', 'object'])}`);
      else if (roll < 0.92) out = await h.cmd(who, `/task cancel ${n}`);
      else out = (await h.advance(pick([DAY_MS, 5 * DAY_MS, 15 * DAY_MS])))[0];
      if (out && !out.error) changes++;
      const c = await counts(h);
      expect(c.kept, `after step ${step}`).toEqual(c.fromTasks);
    }
    // The walk did what it is meant to: tasks in every state.
    const states = await h.query<{ status: string }>('select distinct status from tasks order by status');
    expect(states.map((s) => s.status)).toEqual(['cancelled', 'claimed', 'done', 'open', 'review']);
    expect(changes).toBeGreaterThan(100);
  });

  it('recountOpenTasks and the migration set them from tasks written straight to the table', async () => {
    const h = makeCore();
    await h.ok('alice', '/task post Seed skills:docs');
    const alice = (await h.one<{ id: number }>(`select id from members where user_id = 'alice'`))!.id;
    await h.exec(
      `insert into tasks (community_id, number, title, skills, slots, license, status, poster_id, channel_id, created_at, updated_at, taken)
       values (1, 2, 'A', 'docs', 2, 'MIT', 'claimed', ${alice}, 'general', 1, 1, 1),
              (1, 3, 'B', '', 1, 'MIT', 'open', ${alice}, 'general', 1, 1, 0),
              (1, 4, 'C', 'code', 1, 'MIT', 'claimed', ${alice}, 'general', 1, 1, 1),
              (1, 5, 'D', 'code', 1, 'MIT', 'done', ${alice}, 'general', 1, 1, 1)`,
    );
    await h.exec(
      `insert into task_skills (task_id, community_id, skill)
       select id, 1, skills from tasks where skills <> '' and number > 1`,
    );
    expect((await counts(h)).kept).not.toEqual((await counts(h)).fromTasks);
    await h.storage.write((db) => recountOpenTasks(db, 1));
    expect((await counts(h)).kept).toEqual({ total: 3, bySkill: ['=1', 'docs=2'] });
    // The migration's statements, on the same data from scratch.
    await h.exec('update communities set open_tasks = 0');
    await h.exec('delete from open_task_skills');
    const dir = fileURLToPath(
      new URL(`../../${h.dialect === 'pg' ? 'migrations-pg' : 'migrations'}`, import.meta.url),
    );
    const file = readdirSync(dir).find((f) => f.endsWith('_open_tasks_backfill.sql'))!;
    for (const statement of readFileSync(`${dir}/${file}`, 'utf8').split('--> statement-breakpoint'))
      await h.exec(statement);
    expect((await counts(h)).kept).toEqual({ total: 3, bySkill: ['=1', 'docs=2'] });
  });
});
