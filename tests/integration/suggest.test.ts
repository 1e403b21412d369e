/**
 * Autocomplete at size: typed digits find any task by its number (the exact number first, then longer
 * numbers that start with them), and a typed title is looked for among the `TITLE_WINDOW` most relevant
 * tasks (active first, then the newest), so a keystroke that matches few titles never walks the whole
 * community.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { TITLE_WINDOW } from '../../src/core/platform.js';
import { makeCore, type Harness } from '../helpers/core.js';

/** Tasks 2..n+1 (task 1 is posted through the core): the oldest done, the newest open, one active old one. */
async function populate(h: Harness, n: number): Promise<void> {
  await h.ok('alice', '/task post Seed task');
  const now = h.clock.t;
  await h.exec(
    `with recursive s(i) as (select 1 union all select i + 1 from s where i < ${n})
     insert into tasks (community_id, number, title, skills, slots, license, status, poster_id, channel_id, created_at, updated_at, taken)
     select 1, i + 1, case when i = 5 then 'A rare zebra task' when i = 7 then 'Old active zebra' else 'Write part ' || i end, '', 1, 'MIT',
       case when i = 7 or i > ${n - 10} then 'open' else 'done' end, 1, 'general', ${now}, ${now}, 0 from s`,
  );
}

describe('autocomplete', () => {
  let h: Harness;
  const n = TITLE_WINDOW + 500;
  beforeAll(async () => {
    h = makeCore();
    await populate(h, n);
  }, 60_000);
  const numbers = async (typed: string) =>
    (await h.core.suggest(h.community, 'task', typed)).map((s) => s.number);

  it('finds tasks by the number typed, the exact one first, then those that start with it', async () => {
    expect((await numbers('12')).slice(0, 12)).toEqual([
      12, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 1200,
    ]);
    expect(await numbers('#6')).toContain(6); // an old done task, far outside the title window
    expect((await numbers(String(n + 1)))[0]).toBe(n + 1);
    // No task number starts with 0: only titles with a 0 in them.
    const zero = await h.core.suggest(h.community, 'task', '0');
    expect(zero.length).toBeGreaterThan(0);
    for (const z of zero) expect(z.label).toMatch(/^#\d+ \S.*0/);
  });

  it('looks for a title among the most relevant tasks only: active ones first, then the newest', async () => {
    // Task 8 is old but active: inside the window. Task 6 is old and done: outside it.
    expect(await numbers('zebra')).toEqual([8]);
    const open = await numbers('write');
    expect(open.slice(0, 9)).toEqual([n + 1, n, n - 1, n - 2, n - 3, n - 4, n - 5, n - 6, n - 7]);
    expect(open).toHaveLength(25);
    expect(await numbers('')).toHaveLength(25);
  });
});
