import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../src/core/shared/model.js';
import { makeCore, T0, TestClock, type Harness } from '../helpers/core.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function statuses(h: Harness) {
  return h.query('select number, status from proposals order by number');
}

describe('proposals across a restart', () => {
  it('each overdue proposal closes exactly once after a restart, with one outcome post', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ostrom-proposals-'));
    dirs.push(dir);
    const path = join(dir, 'ostrom.db');

    const first = makeCore({ path });
    await first.ok('alice', '/propose Lower the bar change:review.approvals=1 rule:lazy hours:24');
    await first.ok('alice', '/propose Adopt a license rule:majority hours:48');
    await first.react('bob', 'proposal:2', '✅');
    await first.react('carol', 'proposal:2', '✅');
    await first.react('dave', 'proposal:2', '❌');
    const at = await first.t.location();
    await first.storage.close(); // stopped before either deadline

    const second = makeCore({ path, at, clock: new TestClock(T0 + 100 * HOUR_MS) });
    const outs = await second.core.runDue();
    const threads = outs.flatMap((o) => o.effects.filter((e) => e.type === 'thread'));
    expect(threads.map((e) => e.type === 'thread' && [e.cardKey, e.text])).toEqual([
      [
        'proposal:1',
        '✅ P1 "Lower the bar" passed: no objection (0 yes, 0 no, 0 abstain). Rule review.approvals changed: 2 → 1 (set by P1).',
      ],
      ['proposal:2', '✅ P2 "Adopt a license" passed: 2 yes, 1 no, 0 abstain.'],
    ]);
    expect((await second.core.findCard(second.community, 'proposal:2'))?.threadId).toBeTruthy();
    expect(await statuses(second)).toEqual([
      { number: 1, status: 'passed' },
      { number: 2, status: 'passed' },
    ]);
    expect(await second.core.runDue()).toEqual([]);
    await second.storage.close();

    const third = makeCore({ path, at, clock: new TestClock(T0 + 200 * HOUR_MS) });
    expect(await third.core.runDue()).toEqual([]);
    expect(await third.one("select count(*) as n from audit where type = 'proposal.closed'")).toEqual({
      n: 2,
    });
    expect(await third.one("select value, set_by from rules where key = 'review.approvals'")).toEqual({
      value: '1',
      set_by: 'P1',
    });
    await third.storage.close();
  });
});
