/** Issue 8, items 1–8: the rules hold and the figures are true. Each test failed before its fix. */
import { describe, expect, it } from 'vitest';
import type { View } from '../../src/core/shared/views.js';
import { makeCore, submittedTask, type Harness } from '../helpers/core.js';

const SUB = 'submission:1';
const HOUR = 3_600_000;

/** Who a ledger entry names: per entry, contributors first ('contributor' < 'reviewer'), then by user. */
function ledgerPeople(h: Harness) {
  return h.query<{ u: string; r: string }>(
    `select m.user_id as u, lp.role as r from ledger_people lp join members m on m.id = lp.member_id
     order by lp.ledger_id, lp.role, m.user_id`,
  );
}

/** Passes a lazy proposal carrying `change` after its deadline. */
async function passChange(h: Harness, change: string) {
  await h.ok('alice', `/propose Change it rule:lazy hours:1 change:${change}`);
  return h.advance(HOUR);
}

describe('peer review cannot be bypassed', () => {
  it('a claimant who unclaims after submitting cannot approve their own work', async () => {
    const h = makeCore();
    await h.ok('alice', '/task post Write the guide slots:2');
    await h.ok('bob', '/task claim 1');
    await h.ok('carol', '/task claim 1');
    await h.ok('bob', '/task submit 1 link:https://example.org/1');
    const out = await h.ok('bob', '/task unclaim 1');
    expect(out.reply?.text).toMatch(/carol/); // the submission stays with the co-claimant
    const own = await h.cmd('bob', '/review 1 approve');
    expect(own.error?.code).toBe('review.ownTask');
    await h.react('bob', SUB, '✅');
    await h.react('dave', SUB, '✅');
    expect(await ledgerPeople(h)).toEqual([]); // bob's reaction does not count: 1 of 2
    await h.react('erin', SUB, '✅');
    expect(await ledgerPeople(h)).toEqual([
      { u: 'carol', r: 'contributor' },
      { u: 'dave', r: 'reviewer' },
      { u: 'erin', r: 'reviewer' },
    ]);
  });

  it('a co-claimant never counts as a reviewer, by reaction or by command', async () => {
    const h = makeCore();
    await h.ok('alice', '/task post Write the guide slots:2');
    await h.ok('bob', '/task claim 1');
    await h.ok('carol', '/task claim 1');
    await h.ok('bob', '/task submit 1');
    expect((await h.cmd('carol', '/review 1 approve')).error?.code).toBe('review.ownTask');
    await h.react('carol', SUB, '✅');
    await h.react('dave', SUB, '✅');
    expect(await ledgerPeople(h)).toEqual([]);
  });

  it("the last claimant's unclaim withdraws the open submission, and says so; the task reopens", async () => {
    const h = makeCore();
    await submittedTask(h);
    const out = await h.ok('bob', '/task unclaim 1');
    expect(out.reply?.text).toMatch(/withdrawn/i);
    const sub = (await h.one<{ status: string }>('select status from submissions'))!;
    expect(sub.status).toBe('withdrawn');
    expect((await h.cmd('carol', '/review 1 approve')).error?.code).toBe('review.noSubmission');
    await h.react('carol', SUB, '✅');
    await h.react('dave', SUB, '✅');
    expect(await h.one('select count(*) as n from ledger')).toEqual({ n: 0 });
    expect((await h.ok('carol', '/task claim 1')).reply?.text).toMatch(/claimed task #1/);
  });

  it('every accepted contribution names at least one contributor', async () => {
    const h = makeCore();
    await submittedTask(h);
    await h.react('carol', SUB, '✅');
    await h.react('dave', SUB, '✅');
    const rows = await ledgerPeople(h);
    expect(rows.filter((r) => r.r === 'contributor').length).toBeGreaterThan(0);
  });
});

describe('rules belong to the community', () => {
  it('setup does not overwrite a rule a proposal set before it', async () => {
    const h = makeCore();
    await passChange(h, 'review.approvals=1');
    const out = await h.cmd('alice', '/commons setup review.approvals=4');
    expect(out.error?.code).toBe('setup.setByProposal');
    expect(out.error?.message).toMatch(/review\.approvals.*P1/);
    await h.ok('alice', '/commons setup claims.maxOpen=5');
    const config = (await h.ok('alice', '/commons config')).reply!.text;
    expect(config).toMatch(/review\.approvals = 1 {2}\(set by proposal P1/);
    expect(config).toMatch(/claims\.maxOpen = 5 {2}\(setup/);
  });

  it('setup keeps channels a proposal set, rather than resetting them to where it was typed', async () => {
    const h = makeCore();
    await passChange(h, 'channels.tasks=#work');
    await h.ok('alice', '/commons setup', { channelId: 'general' });
    expect((await h.ok('alice', '/commons config')).reply!.text).toMatch(
      /channels\.tasks = work {2}\(set by proposal P1/,
    );
  });

  it('setup runs once', async () => {
    const h = makeCore();
    await h.ok('alice', '/commons setup');
    const again = await h.cmd('alice', '/commons setup review.approvals=1');
    expect(again.error?.code).toBe('rule.onlyByProposal');
    // A second setup must not read as success: it says it already ran and changed nothing.
    expect(again.error?.message).toMatch(
      /^Setup already ran on .+; nothing was changed\. .*change:channels\.tasks=/,
    );
  });

  it('/commons config before setup does not claim that only defaults apply when a proposal set a rule', async () => {
    const h = makeCore();
    await passChange(h, 'review.approvals=1');
    const text = (await h.ok('alice', '/commons config')).reply!.text;
    expect(text).not.toMatch(/defaults apply\./);
    expect(text).toMatch(/Not set up yet/);
    expect(text).toMatch(/set by proposal P1/);
  });
});

describe('channel rules name real channels', () => {
  const channels = [
    { id: 'C1', name: 'work' },
    { id: 'C2', name: 'governance' },
  ];

  it.each([
    ['tasks:#', /`tasks`.*names no channel/],
    ['tasks:@bob', /`tasks`.*is a member, not a channel/],
    ['tasks:<@U123>', /`tasks`.*is a member, not a channel/],
    ['tasks:""', /`tasks`.*must not be empty/],
    ['proposals:"#two words"', /`proposals`.*is not a channel/],
  ])('setup refuses %s, naming what is wrong, and changes nothing', async (arg, why) => {
    const h = makeCore();
    const before = await h.dump();
    const out = await h.cmd('alice', `/commons setup ${arg}`);
    expect(out.error?.message).toMatch(why);
    expect(out.reply).toEqual({ private: true, text: out.error?.message });
    expect(await h.dump()).toBe(before);
  });

  it.each(['channels.tasks=#', 'channels.tasks=', 'channels.proposals=<@U1>', 'channels.tasks=@bob'])(
    'a proposal to set %s is refused when proposed',
    async (change) => {
      const h = makeCore();
      const before = await h.dump();
      expect((await h.cmd('alice', `/propose Move it change:${change}`)).error?.code).toBe('rule.badValue');
      expect(await h.dump()).toBe(before);
    },
  );

  it('where the platform lists its channels, a channel the bot cannot post in is refused, naming those it can', async () => {
    const h = makeCore();
    const out = await h.cmd('alice', '/commons setup tasks:#random', { channels });
    expect(out.error?.code).toBe('channel.notFound');
    expect(out.error?.message).toMatch(/#work, #governance/);
    const p = await h.cmd('alice', '/propose Move change:channels.proposals=#random', { channels });
    expect(p.error?.code).toBe('channel.notFound');
  });

  it('a channel named by name is stored as its id, and cards go there', async () => {
    const h = makeCore();
    await h.ok('alice', '/commons setup tasks:#Work proposals:C2', { channels });
    expect((await h.ok('alice', '/commons config')).reply!.text).toMatch(/channels\.tasks = C1 /);
    const post = (await h.ok('bob', '/task post Hello')).effects.find((e) => e.type === 'post');
    expect(post).toMatchObject({ channelId: 'C1' });
  });
});

describe('a lowered bar applies at once', () => {
  it('open submissions that meet a lowered review.approvals are accepted when the proposal passes', async () => {
    const h = makeCore();
    await submittedTask(h);
    await h.react('carol', SUB, '✅'); // 1 of 2
    const outs = await passChange(h, 'review.approvals=1');
    expect(h.texts(outs).join('\n')).toMatch(/Task #1 "Write the guide" accepted/);
    expect(await ledgerPeople(h)).toEqual([
      { u: 'bob', r: 'contributor' },
      { u: 'carol', r: 'reviewer' },
    ]);
    const updates = outs.flatMap((o) => o.effects).filter((e) => e.type === 'update');
    expect(updates.map((e) => e.cardKey)).toEqual(expect.arrayContaining([SUB, 'task:1']));
  });

  it('turning off review.objectionsBlock accepts a submission that only an objection held back', async () => {
    const h = makeCore();
    await submittedTask(h);
    await h.react('erin', SUB, '❌');
    await h.react('carol', SUB, '✅');
    await h.react('dave', SUB, '✅');
    expect(await ledgerPeople(h)).toEqual([]);
    await passChange(h, 'review.objectionsBlock=false');
    expect((await ledgerPeople(h)).map((p) => p.u)).toEqual(['bob', 'carol', 'dave']);
  });

  it('a raised bar accepts nothing but updates the cards to show it', async () => {
    const h = makeCore();
    await submittedTask(h);
    const outs = await passChange(h, 'review.approvals=3');
    const update = outs.flatMap((o) => o.effects).find((e) => e.type === 'update' && e.cardKey === SUB) as
      { view: View } | undefined;
    expect(JSON.stringify(update?.view)).toMatch(/0\/3|0 of 3/);
    expect(await ledgerPeople(h)).toEqual([]);
  });
});

describe('claim limits that can be lived with', () => {
  it('a claim whose submission is in review does not count toward claims.maxOpen', async () => {
    const h = makeCore();
    for (let i = 1; i <= 4; i++) await h.ok('alice', `/task post Task ${i}`);
    for (let i = 1; i <= 3; i++) await h.ok('bob', `/task claim ${i}`);
    expect((await h.cmd('bob', '/task claim 4')).error?.code).toBe('claims.maxOpen');
    await h.ok('bob', '/task submit 1');
    expect((await h.ok('bob', '/task claim 4')).reply?.text).toMatch(/claimed task #4/);
  });
});

describe('a finished task', () => {
  it('cannot be unclaimed, and lists and digests show its claimed slots', async () => {
    const h = makeCore();
    await h.ok('alice', '/task post Pair job slots:2');
    await h.ok('bob', '/task claim 1');
    await h.ok('erin', '/task claim 1');
    await h.ok('bob', '/task submit 1');
    await h.react('carol', SUB, '✅');
    await h.react('dave', SUB, '✅');
    const unclaim = await h.cmd('erin', '/task unclaim 1');
    expect(unclaim.error?.code).toBe('task.notOpen');
    expect(unclaim.error?.message).toBe('Task #1 is done; it can no longer be unclaimed.');
    expect((await h.ok('alice', '/task list status:all')).reply!.text).toMatch(
      /#1 Pair job — done · 2\/2 claimed/,
    );
    const post = (await h.ok('alice', '/digest now')).effects.find((e) => e.type === 'post') as {
      view: View;
    };
    expect(JSON.stringify(post.view)).not.toMatch(/Pair job · [12] of 2 slots free/);
  });
});

describe('figures that must be true', () => {
  it('/task list filters before its limit: with the first 28 of 31 tasks full it shows #29–#31', async () => {
    const h = makeCore();
    for (let i = 1; i <= 31; i++) await h.ok('alice', `/task post Task ${i}`);
    // Each of 28 members claims one task, filling it (1 slot each).
    for (let i = 1; i <= 28; i++) await h.ok(`m${i}`, `/task claim ${i}`);
    const text = (await h.ok('alice', '/task list')).reply!.text;
    expect(text).toMatch(/3 in all/);
    expect(text).toMatch(/#29 Task 29/);
    expect(text).toMatch(/#31 Task 31/);
    expect(text).not.toMatch(/#1 Task 1 /);
    expect(text).not.toMatch(/more/);
  });

  it('/task list counts and limits the same rows: 30 free tasks show 25 and "5 more"', async () => {
    const h = makeCore();
    for (let i = 1; i <= 31; i++) await h.ok('alice', `/task post Task ${i}`);
    await h.ok('bob', '/task claim 1');
    const text = (await h.ok('alice', '/task list')).reply!.text;
    expect(text).toMatch(/30 in all/);
    expect(text).toMatch(/…and 5 more/);
    expect(text).toMatch(/#2 Task 2 /);
  });

  it("the digest's free slots are right for co-claimed tasks (no negative figures)", async () => {
    const h = makeCore();
    await h.ok('alice', '/task post Big job skills:code slots:3');
    await h.ok('alice', '/task post Other job skills:code slots:2');
    for (const u of ['bob', 'carol']) await h.ok(u, '/task claim 1');
    await h.ok('dave', '/task claim 2');
    const out = await h.ok('alice', '/digest now');
    const post = out.effects.find((e) => e.type === 'post') as { view: View };
    const text = JSON.stringify(post.view);
    // Every section that lists a task shows the same, true figure.
    const free = (title: string) =>
      [...text.matchAll(new RegExp(`${title} · (-?\\d+) of (\\d+) slots free`, 'g'))].map(
        (m) => `${m[1]}/${m[2]}`,
      );
    expect(free('Big job')).toEqual(['1/3', '1/3']);
    expect(free('Other job')).toEqual(['1/2', '1/2']);
  });

  it('/commons profile counts one vote per member per submission or proposal, not one per reaction', async () => {
    const h = makeCore();
    await submittedTask(h);
    await h.react('carol', SUB, '✅');
    await h.react('carol', SUB, '👍');
    await h.ok('carol', '/review 1 approve');
    await h.ok('alice', '/propose Something rule:lazy');
    await h.react('carol', 'proposal:1', '✅');
    await h.react('carol', 'proposal:1', '👍');
    await h.ok('carol', '/vote 1 yes');
    const text = (await h.ok('carol', '/commons profile')).reply!.text;
    expect(text).toMatch(/1 review vote and 1 proposal vote cast/);
  });
});

describe('small things a first-time user tripped over', () => {
  it('reads option names in any case, as it does command names', async () => {
    const h = makeCore();
    expect((await h.ok('alice', '/TASK Post Pair job Slots:2 SKILLS:docs')).reply!.text).toBe(
      'Posted task #1: Pair job',
    );
    expect((await h.ok('alice', '/task show 1')).reply!.view!.fields).toContainEqual(
      expect.objectContaining({ name: 'Skills', value: 'docs' }),
    );
  });

  it('/commons audit shows instants as times, not epoch milliseconds', async () => {
    const h = makeCore();
    await h.ok('alice', '/propose Decide it rule:lazy hours:1');
    const text = (await h.ok('alice', '/commons audit')).reply!.text;
    expect(text).toMatch(/"closesAt":"\d{4}-\d\d-\d\dT/);
    expect(text).not.toMatch(/"closesAt":\d/);
  });
});
