/**
 * A reaction's unit keeps what it read (the community, members, the card's target and votes, the
 * audit chain's head) for the next reaction unit of the same community (issue 12, governance.ts
 * `carriedScope`), only while nothing else has written: another unit of this process, or another
 * process on the same SQLite file (`PRAGMA data_version`). Forgetting either check would count votes
 * from a stale picture (accepting work over an objection) or fork the audit chain.
 */
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/core/index.js';
import { makeCore, submittedTask } from '../helpers/core.js';
import { tempDbPaths } from '../helpers/test-db.js';

const SUB = 'submission:1';
const tempPath = tempDbPaths('ostrom-carried-');

/** The review card's counts as the outcome re-renders them: `approvals … · objections …`. */
function tallyShown(out: Outcome): string {
  const edit = out.effects.find((e) => e.type === 'update' && e.cardKey === SUB);
  if (!edit || edit.type !== 'update') throw new Error('the review card was not re-rendered');
  const field = (name: string) => edit.view.fields.find((f) => f.name === name)?.value;
  return `approvals ${field('Approvals')} · objections ${field('Objections')}`;
}

describe('a reaction scope carried to the next unit', () => {
  it("another process's vote in between counts: no acceptance over its objection, one audit chain", async () => {
    const a = makeCore({ path: tempPath() });
    await submittedTask(a);
    const b = makeCore({ at: await a.t.location(), clock: a.clock });
    expect(tallyShown(await a.react('carol', SUB, '✅'))).toMatch(/approvals 1 of 2: carol · objections 0/);
    await b.react('dave', SUB, '❌');
    const out = await a.react('erin', SUB, '✅');
    expect(tallyShown(out)).toMatch(/approvals 2 of 2: carol, erin · objections 1: dave/);
    expect(a.texts([out]).join('\n')).not.toMatch(/accepted/);
    const seqs = await a.query<{ seq: number }>('select seq from audit order by seq');
    expect(seqs.map((r) => Number(r.seq))).toEqual(seqs.map((_, k) => k + 1));
    expect((await a.ok('alice', '/commons verify')).reply?.text).toMatch(/intact|verified|ok/i);
  });

  it("this process's command in between counts: a rule it changes applies to the next reaction", async () => {
    const a = makeCore();
    await submittedTask(a);
    expect(tallyShown(await a.react('carol', SUB, '✅'))).toMatch(/approvals 1 of 2: carol /);
    await a.ok('alice', '/commons setup review.approvals=3');
    expect(tallyShown(await a.react('dave', SUB, '✅'))).toMatch(/approvals 2 of 3: carol, dave /);
  });
});
