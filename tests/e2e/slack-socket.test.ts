/**
 * The Slack adapter end to end in Socket Mode: the real Bolt app connects through the fake's
 * apps.connections.open WebSocket and is sent envelopes (slash commands, interactions, events) it must
 * acknowledge. A proposal from card and thread through reaction, button and command votes to its close,
 * and votes cast while Ostrom was down, counted after a restart from reactions.get.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../src/core/shared/model.js';
import { TestClock } from '../helpers/core.js';
import {
  Actions,
  blocksText,
  buttonsOf,
  cardOf,
  eventually,
  lastUpdate,
  proposalMarks,
  startBot,
  startWorld,
  type Bot,
  type World,
} from '../helpers/slack-harness.js';

let w: World;
let bot: Bot;
let act: Actions;
let dir: string;
const clock = new TestClock(Date.now());
const bots: Bot[] = [];
const acks: number[] = [];

async function start(): Promise<Bot> {
  // After the first, each bot opens the first one's database again (a restart).
  const at = bots[0] ? await bots[0].db.location() : undefined;
  const b = await startBot(w, { mode: 'socket', dbPath: join(dir, 'ostrom.db'), at, clock });
  bots.push(b);
  return b;
}

beforeAll(async () => {
  w = await startWorld();
  dir = mkdtempSync(join(tmpdir(), 'ostrom-slack-'));
  bot = await start();
  act = new Actions(w, bot);
  const deliver = act.deliver.bind(act);
  act.deliver = async (...args) => {
    const d = await deliver(...args);
    acks.push(d.ms);
    return d;
  };
});

afterAll(async () => {
  for (const b of bots) await b.stop();
  await w?.fake.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Slack in Socket Mode: connecting', () => {
  it('opens the connection with the app-level token and checks the bot token', async () => {
    const [open] = w.fake.callsTo('apps.connections.open');
    expect(open?.token).toBe(w.appToken);
    expect(w.fake.callsTo('auth.test')[0]?.token).toBe(w.botToken);
    expect(w.fake.socketCount).toBe(1);
  });

  it('acknowledges a slash command envelope and answers on its response URL', async () => {
    const { delivery, answer } = await act.command(
      'alice',
      '/commons',
      `setup tasks:<#${w.tasks}|tasks> proposals:<#${w.gov}|gov> proposal.quorum=2`,
    );
    expect(delivery.status).toBe(200);
    expect((await answer).args.text).toMatch(/^Ostrom is set up/);
  });
});

describe('Slack in Socket Mode: a proposal', () => {
  let card: { channel: string; ts: string };

  it('posts the card in the proposals channel, opens the discussion in its thread and adds the vote emoji', async () => {
    const next = act.nextCard(w.gov);
    const { answer } = await act.command(
      'bob',
      '/propose',
      `Move tasks to <#${w.gov}|gov> change:channels.tasks=<#${w.gov}|gov> rule:majority hours:24 body:"We work there now"`,
    );
    expect((await answer).args).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/^Opened P1: Move tasks to #gov\. Rule majority/),
    });
    const post = await next;
    card = cardOf(post);
    expect(post.args.text).toBe('P1 · Move tasks to #gov');
    expect(blocksText(post)).toContain(`channels.tasks: ${w.tasks} → ${w.gov}`);
    expect(buttonsOf(post)).toEqual(['ostrom:vote.yes:1', 'ostrom:vote.no:1', 'ostrom:vote.abstain:1']);
    const thread = await w.fake.waitForCall('chat.postMessage', (c) => c.args.thread_ts === card.ts);
    expect(thread.args).toMatchObject({
      channel: w.gov,
      text: 'Discussion of P1 · Move tasks to #gov: reply in this thread.',
    });
    await w.fake.waitForCall(
      'reactions.add',
      (c) => c.args.timestamp === card.ts && c.args.name === 'heavy_minus_sign',
    );
    const seeded = w.fake.callsTo('reactions.add').filter((c) => c.args.timestamp === card.ts);
    expect(seeded.map((c) => c.args.name)).toEqual(['white_check_mark', 'x', 'heavy_minus_sign']);
  });

  it("counts reactions (skin tones too), a button and a command as votes, a retried event once, the bot's never", async () => {
    await act.react('carol', '+1::skin-tone-3', card);
    await act.react('bot', 'x', card);
    // dave's 👎 (E1) is taken back (E2); Slack redelivers E1 on the socket: it stays taken back.
    w.fake.ws.react(w.ids.dave, card.channel, card.ts, '-1');
    const e1 = act.reactionEvent('dave', '-1', card, true);
    await act.deliver('events_api', e1);
    w.fake.ws.react(w.ids.dave, card.channel, card.ts, '-1', false);
    await act.deliver('events_api', act.reactionEvent('dave', '-1', card, false));
    await act.deliver('events_api', e1, { retryNum: 1 });
    await act.react('dave', 'thumbsup', card);
    await act.drained(); // the reactions are applied before the button and the command below

    const clicked = await act.button('erin', 'ostrom:vote.no:1', card);
    expect((await clicked.answer).args).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/^You voted no on P1/),
    });
    const { answer } = await act.command('bob', '/vote', 'P1 yes reason:"as proposed"');
    expect((await answer).args.text).toMatch(/^You voted yes on P1\. Now 3 yes, 1 no, 0 abstain/);
    expect(await proposalMarks(bot, 1)).toEqual([
      'bob command yes',
      'carol +1::skin-tone-3 yes',
      'dave thumbsup yes',
      'erin command no',
    ]);
    await eventually(() => expect(blocksText(lastUpdate(w.fake, card)!)).toContain('3 yes, 1 no, 0 abstain'));
  });

  it('closes at the deadline: the outcome is on the card and posted once in the thread', async () => {
    clock.advance(25 * HOUR_MS);
    const outcome = w.fake.nextCall('chat.postMessage', (c) => c.args.thread_ts === card.ts);
    for (const o of await bot.core.runDue(['slack'])) await bot.adapter.perform(o);
    expect((await outcome).args.text).toMatch(/^✅ P1 "Move tasks to #gov" passed: /);
    expect(blocksText(lastUpdate(w.fake, card)!)).toContain('passed ✅');
    expect(buttonsOf(lastUpdate(w.fake, card)!)).toEqual([]);
    expect(await bot.core.runDue(['slack'])).toEqual([]);
    const inThread = w.fake.callsTo('chat.postMessage').filter((c) => c.args.thread_ts === card.ts);
    expect(inThread.map((c) => String(c.args.text).slice(0, 12))).toEqual(['Discussion o', '✅ P1 "Move t']);
    const { answer } = await act.command('erin', '/commons', 'config');
    expect((await answer).args.text).toContain(`channels.tasks = ${w.gov}  (set by proposal P1`);
  });
});

describe('Slack in Socket Mode: a restart', () => {
  it('reads the reactions of every open vote card with reactions.get and counts votes cast while it was down', async () => {
    const next = act.nextCard(w.gov);
    await act.command('alice', '/propose', 'Weekly digest on Mondays rule:majority hours:48');
    const card = cardOf(await next);
    await w.fake.waitForCall(
      'reactions.add',
      (c) => c.args.timestamp === card.ts && c.args.name === 'heavy_minus_sign',
    );
    await act.react('carol', 'white_check_mark', card);
    await act.settle();
    expect(await proposalMarks(bot, 2)).toEqual(['carol white_check_mark yes']);
    await bot.stop();

    // While Ostrom is down: carol takes her ✅ back, dave and erin object, a bot's reaction is there too.
    w.fake.ws.react(w.ids.carol, card.channel, card.ts, 'white_check_mark', false);
    w.fake.ws.react(w.ids.dave, card.channel, card.ts, 'x');
    w.fake.ws.react(w.ids.erin, card.channel, card.ts, '-1::skin-tone-5');
    const before = w.fake.calls.length;

    bot = await start();
    act.bot = bot;
    const reads = w.fake.calls.slice(before).filter((c) => c.method === 'reactions.get');
    // Only the open proposal's card: P1 is closed, so its card takes no votes.
    expect(reads.map((c) => c.args)).toEqual([{ channel: card.channel, timestamp: card.ts, full: 'true' }]);
    expect(await proposalMarks(bot, 2)).toEqual(['dave x no', 'erin -1::skin-tone-5 no']);
    await eventually(() => expect(blocksText(lastUpdate(w.fake, card)!)).toContain('0 yes, 2 no, 0 abstain'));
    expect(w.fake.socketCount).toBe(1);
  });

  it('acknowledged every envelope within 3 seconds and logged no token', () => {
    expect(acks.length).toBeGreaterThan(10);
    for (const ms of acks) expect(ms).toBeLessThan(3000);
    for (const b of bots) for (const s of [w.botToken, w.appToken]) expect(b.logs.join('')).not.toContain(s);
  });
});
