import { describe, expect, it } from 'vitest';
import { makeCore } from '../helpers/core.js';

describe('units of one community run in the order they were asked for', () => {
  it('twenty commands handed over at once are applied in call order (on PostgreSQL too, where units run side by side)', async () => {
    const h = makeCore();
    await h.ok('alice', '/task list');
    const titles = Array.from({ length: 20 }, (_, i) => `Task ${i + 1}`);
    const outs = await Promise.all(titles.map((t) => h.cmd('alice', `/task post ${t}`)));
    expect(outs.map((o) => o.error)).toEqual(titles.map(() => undefined));
    const rows = await h.query<{ number: number; title: string }>(
      'select number, title from tasks order by number',
    );
    expect(rows.map((r) => r.title)).toEqual(titles);
  });
});
