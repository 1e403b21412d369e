/**
 * A proposal on Discord: card and thread, a button vote and a reaction by the same member as one
 * participant, and the close at the deadline run by the scheduler, posted on the card and in the thread.
 */
import { InteractionResponseType, MessageFlags } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { HOUR_MS } from '../../src/core/shared/model.js';
import { startScheduler, type Scheduler } from '../../src/jobs/scheduler.js';
import { pino } from 'pino';
import {
  Actions,
  buttonsOf,
  embedOf,
  fieldOf,
  messageOf,
  nextCall,
  replyOf,
  startStage,
  stopStage,
  type Bot,
  type World,
} from '../helpers/discord-harness.js';

let w: World;
let bot: Bot;
let act: Actions;
let scheduler: Scheduler;

beforeAll(async () => {
  ({ w, bot, act } = await startStage());
  // The production scheduler, ticked by hand: its own timer is far off.
  scheduler = startScheduler(bot.core, [bot.adapter], pino({ level: 'silent' }), 3_600_000);
});

afterAll(async () => {
  scheduler?.stop();
  await stopStage({ w, bot });
});

describe('Discord adapter: proposals', () => {
  it('opens a card with a thread, counts a button and a reaction by one member once, and closes at the deadline', async () => {
    const cardPost = act.nextPost();
    const threadStart = nextCall(w.fake, 'POST', /^\/channels\/\d+\/messages\/\d+\/threads$/);
    const { callback } = await act.command('alice', 'propose', undefined, {
      title: 'Fewer approvals for small fixes',
      rule: 'lazy',
      hours: 1,
      change: 'review.approvals=1',
    });
    expect(replyOf(callback)).toMatchObject({
      flags: MessageFlags.Ephemeral,
      content: expect.stringContaining('Opened P1: Fewer approvals for small fixes. Rule lazy'),
    });
    const cardCall = await cardPost;
    const card = messageOf(cardCall);
    expect(embedOf(cardCall).title).toBe('P1 · Fewer approvals for small fixes');
    expect(fieldOf(embedOf(cardCall), 'Change')).toBe('review.approvals: 2 → 1');
    expect(buttonsOf(cardCall)).toEqual(['ostrom:vote.yes:1', 'ostrom:vote.no:1', 'ostrom:vote.abstain:1']);
    const thread = await threadStart;
    expect(thread.path).toBe(`/channels/${w.tasksId}/messages/${card.id}/threads`);
    expect(thread.body).toMatchObject({ name: 'P1 · Fewer approvals for small fixes' });
    const threadId = (thread.response as { id: string }).id;
    const seeds = new RegExp(`^/channels/${w.tasksId}/messages/${card.id}/reactions/(.+)/@me$`);
    await w.fake.waitForCall('PUT', seeds, 3);
    expect(w.fake.callsTo('PUT', seeds).map((c) => seeds.exec(c.path)?.[1])).toEqual(['✅', '❌', '➖']);

    // carol votes Yes by button, then reacts ✅: still one participant.
    let edit = act.nextEdit(card);
    const { callback: voted } = await act.button('carol', 'ostrom:vote.yes:1', card);
    expect(replyOf(voted)).toMatchObject({
      type: InteractionResponseType.ChannelMessageWithSource,
      flags: MessageFlags.Ephemeral,
      content: expect.stringContaining('You voted yes on P1'),
    });
    expect(fieldOf(embedOf(await edit), 'Tally')).toBe('1 yes, 0 no, 0 abstain · 1 participant');
    edit = act.nextEdit(card);
    act.react('carol', card, '✅');
    const tally = embedOf(await edit);
    expect(fieldOf(tally, 'Tally')).toBe('1 yes, 0 no, 0 abstain · 1 participant');
    expect(fieldOf(tally, 'Yes')).toBe('carol');

    // Past the deadline the scheduler closes it: the card shows the outcome, the thread hears it.
    const closed = act.nextEdit(card);
    const inThread = act.nextPost(threadId);
    bot.clock.advance(HOUR_MS + 1000);
    expect(await scheduler.tick()).toBe(1);
    const outcome = embedOf(await closed);
    expect(fieldOf(outcome, 'Status')).toBe('passed ✅');
    expect(fieldOf(outcome, 'Outcome')).toContain('Passed');
    expect(fieldOf(outcome, 'Outcome')).toContain('Rule review.approvals changed: 2 → 1 (set by P1)');
    expect(buttonsOf(await closed)).toEqual([]);
    const said = (await inThread).body as { content: string; allowed_mentions: unknown };
    expect(said.content).toMatch(/^✅ P1 "Fewer approvals for small fixes" passed/);
    expect(said.allowed_mentions).toEqual({ parse: [] });
    expect(w.fake.messages(threadId).map((m) => m.content)).toEqual([said.content]);

    // The rule holds, and the deadline ran once: a second tick does nothing.
    const { callback: config } = await act.command('erin', 'commons', 'config');
    expect(replyOf(config).content).toContain('review.approvals = 1  (set by proposal P1;');
    expect(await scheduler.tick()).toBe(0);
  });

  it('counts a reaction that comes while the thread is still being opened', async () => {
    // Opening the thread is held up (rate limited for 300 ms) while the card is already on screen.
    const threads = /^\/channels\/\d+\/messages\/\d+\/threads$/;
    w.fake.failNext('POST', threads, 429, { retry_after: 0.3, global: false });
    const firstTry = w.fake.waitForCall('POST', threads, w.fake.callsTo('POST', threads).length + 1);
    const threadStart = nextCall(w.fake, 'POST', threads);
    const cardPost = act.nextPost();
    await act.command('alice', 'propose', undefined, { title: 'Meet monthly', hours: 720 });
    const card = messageOf(await cardPost);
    expect((await firstTry).status).toBe(429);
    const edit = act.nextEdit(card);
    act.react('dave', card, '👍');
    expect(fieldOf(embedOf(await edit), 'Yes')).toBe('dave');
    const thread = await threadStart;
    expect(thread.path).toBe(`/channels/${w.tasksId}/messages/${card.id}/threads`);
    expect(await bot.core.findCard({ platform: 'discord', id: w.guildId }, 'proposal:2')).toEqual({
      channelId: w.tasksId,
      messageId: card.id,
      threadId: (thread.response as { id: string }).id,
    });
  });
});

describe('Discord adapter: claim deadlines', () => {
  it('reminds a claimant by direct message two days before the claim expires', async () => {
    const post = act.nextPost();
    await act.command('alice', 'task', 'post', { title: 'Update the FAQ' });
    const n = Number(/^Task #(\d+)/.exec(embedOf(await post).title ?? '')?.[1]);
    await act.command('bob', 'task', 'claim', { task: n });

    const dmOpen = nextCall(w.fake, 'POST', '/users/@me/channels');
    const dm = nextCall(w.fake, 'POST', /^\/channels\/\d+\/messages$/);
    bot.clock.advance(12 * 24 * HOUR_MS + 60_000);
    expect(await scheduler.tick()).toBe(1);
    expect((await dmOpen).body).toEqual({ recipient_id: w.ids.bob });
    const sent = await dm;
    expect(sent.path).toBe(`/channels/${(sent.response as { channel_id: string }).channel_id}/messages`);
    expect(sent.path).not.toBe(`/channels/${w.tasksId}/messages`);
    expect(sent.body).toMatchObject({
      content: expect.stringMatching(
        new RegExp(`^Reminder: your claim on task #${n} "Update the FAQ" expires in 2 days`),
      ),
      allowed_mentions: { parse: [] },
    });
  });
});
