/**
 * The Slack adapter end to end over HTTP: Ostrom's real Bolt app behind its HTTP receiver, sent correctly
 * signed slash commands, block_actions, view_submission and event_callback requests, judged by the Web API
 * calls it made to the fake Slack. A task from post to ledger, forms, retries, forged requests, escaping,
 * rate limits, the export upload and DM reminders. One app for the whole file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS } from '../../src/core/shared/model.js';
import {
  blocksText,
  buttonsOf,
  cardOf,
  dbSnapshot,
  eventually,
  lastUpdate,
  reviewMarks,
  startStage,
  stopStage,
  type Actions,
  type Bot,
  type Delivery,
  type World,
} from '../helpers/slack-harness.js';
import type { SlackCall } from '../helpers/fake-slack/index.js';

let w: World;
let bot: Bot;
let act: Actions;
/** Every delivery made in this file, to check Slack's 3-second acknowledgement at the end. */
const deliveries: Delivery[] = [];

beforeAll(async () => {
  ({ w, bot, act } = await startStage('http'));
  const deliver = act.deliver.bind(act);
  act.deliver = async (...args) => {
    const d = await deliver(...args);
    deliveries.push(d);
    return d;
  };
});
afterAll(() => stopStage({ w, bot }));

const argsOf = (c: SlackCall) => c.args as Record<string, unknown>;

describe('Slack over HTTP: start', () => {
  it('checks its bot token with auth.test against SLACK_API_URL and listens on /slack/events', () => {
    const [auth] = w.fake.callsTo('auth.test');
    expect(auth?.token).toBe(w.botToken);
    expect(bot.adapter.port).toBeGreaterThan(0);
  });

  it("answers Slack's signed URL verification, as when the request URL is entered in the app settings", async () => {
    const challenge = 'c'.repeat(20);
    const d = await act.deliver('events_api', { token: 'x', challenge, type: 'url_verification' });
    expect(d).toMatchObject({ status: 200, body: { challenge } });
  });
});

describe('Slack over HTTP: a task from post to ledger', () => {
  let card: { channel: string; ts: string };
  let review: { channel: string; ts: string };

  it('lets only a workspace admin run /commons setup, reading <#C…|name> as the channel', async () => {
    const refused = await act.command('bob', '/commons', 'setup');
    expect(refused.delivery).toMatchObject({ status: 200 });
    expect((await refused.answer).args).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/Only a platform admin.*workspace admin or owner/),
    });
    const { answer } = await act.command(
      'alice',
      '/commons',
      `setup tasks:<#${w.tasks}|tasks> proposals:<#${w.gov}|gov> review.approvals=2`,
    );
    expect((await answer).args).toMatchObject({ response_type: 'in_channel' });
    expect((await answer).args.text).toContain(`channels.tasks = ${w.tasks}`);
    expect((await answer).args.text).toContain(`channels.proposals = ${w.gov}`);
    expect(w.fake.callsTo('users.info').map((c) => c.args.user)).toContain(w.ids.alice);
  });

  it('acknowledges /task post at once, answers privately, and posts a Block Kit card with a Claim button', async () => {
    const next = act.nextCard();
    const { delivery, answer } = await act.command(
      'alice',
      '/task',
      'post Write the "Getting started" page skills:docs',
    );
    expect(delivery.status).toBe(200);
    expect(delivery.body).toBeUndefined();
    expect((await answer).args).toMatchObject({
      response_type: 'ephemeral',
      text: 'Posted task #1: Write the "Getting started" page',
    });
    const post = await next;
    card = cardOf(post);
    expect(post.token).toBe(w.botToken);
    expect(post.args.text).toBe('Task #1 · Write the "Getting started" page');
    expect(blocksText(post)).toContain('*Task #1 · Write the "Getting started" page*');
    expect(blocksText(post)).toContain('*Skills*\ndocs');
    expect(buttonsOf(post)).toEqual(['ostrom:task.claim:1']);
  });

  it('claims by button: the card is updated with chat.update and the claim is announced', async () => {
    const edit = act.nextUpdate(card);
    const { delivery, answer } = await act.button('bob', 'ostrom:task.claim:1', card);
    expect(delivery.status).toBe(200);
    expect((await answer).args).toMatchObject({
      response_type: 'in_channel',
      replace_original: false,
      text: expect.stringContaining('bob claimed task #1 (1/1)'),
    });
    const update = await edit;
    expect(blocksText(update)).toContain('*Claimed by*\nbob (1/1)');
    expect(buttonsOf(update)).toEqual(['ostrom:task.submit:1']);
  });

  it('opens the submit form from the Submit button and shows a bad link under its field', async () => {
    const opened = w.fake.nextCall('views.open');
    const { payload } = await act.button('bob', 'ostrom:task.submit:1', card);
    const call = await opened;
    expect(call.args.trigger_id).toBe(payload.trigger_id);
    const view = call.args.view as {
      callback_id: string;
      title: { text: string };
      blocks: { block_id?: string }[];
    };
    expect(view.callback_id).toBe('ostrom:submit:1');
    expect(view.blocks.map((b) => b.block_id)).toEqual([undefined, 'link', 'note']);

    const before = await dbSnapshot(bot.db);
    const bad = await act.submitView('bob', call, { link: 'not a link', note: '' });
    expect(bad.status).toBe(200);
    expect(bad.body).toMatchObject({
      response_action: 'errors',
      errors: { link: expect.stringMatching(/http\(s\) link/) },
    });
    expect(await dbSnapshot(bot.db)).toBe(before);

    const next = act.nextCard();
    const ok = await act.submitView('bob', call, {
      link: 'https://example.org/pr/1',
      note: 'First draft & notes',
    });
    expect(ok).toMatchObject({ status: 200 });
    const post = await next;
    review = cardOf(post);
    expect(post.args.text).toBe('Review · Task #1 · Write the "Getting started" page');
    expect(blocksText(post)).toContain('Note: First draft &amp; notes');
    expect(buttonsOf(post)).toEqual(['ostrom:review.approve:1', 'ostrom:review.object:1']);
    const seeded = await w.fake.waitForCall(
      'reactions.add',
      (c) => c.args.timestamp === review.ts && c.args.name === 'x',
    );
    expect(seeded.args.channel).toBe(review.channel);
    expect(
      w.fake
        .callsTo('reactions.add')
        .filter((c) => c.args.timestamp === review.ts)
        .map((c) => c.args.name),
    ).toEqual(['white_check_mark', 'x']);
  });

  it("counts reactions as votes, skin tones included, but not the claimant's own or the bot's", async () => {
    await act.react('bob', 'white_check_mark', review);
    await act.react('bot', 'white_check_mark', review);
    await act.react('relaybot', '+1', review);
    await act.react('carol', '+1::skin-tone-3', review);
    // The edit for bob's reaction may still be on its way: wait for the one that counts carol.
    await eventually(() =>
      expect(blocksText(lastUpdate(w.fake, review)!)).toContain('*Approvals*\n1 of 2: carol'),
    );
    // bob's mark is kept (the core decides it does not count); no bot's was ever recorded.
    expect(await reviewMarks(bot, 1)).toEqual(['bob white_check_mark', 'carol +1::skin-tone-3']);
  });

  it('counts an event Slack retries (same event_id) once, and one whose first delivery never arrived', async () => {
    // dave adds 👎 (E1) and takes it back (E2); Slack then retries E1, which must not bring it back.
    w.fake.ws.react(w.ids.dave, review.channel, review.ts, '-1');
    const added = act.reactionEvent('dave', '-1', review, true);
    expect(await act.deliver('events_api', added)).toMatchObject({ status: 200 });
    w.fake.ws.react(w.ids.dave, review.channel, review.ts, '-1', false);
    await act.deliver('events_api', act.reactionEvent('dave', '-1', review, false));
    await act.settle();
    expect(await reviewMarks(bot, 1)).toEqual(['bob white_check_mark', 'carol +1::skin-tone-3']);
    const retried = await act.deliver('events_api', added, { retryNum: 1 });
    expect(retried.status).toBe(200);
    await act.settle();
    expect(await reviewMarks(bot, 1)).toEqual(['bob white_check_mark', 'carol +1::skin-tone-3']);

    // erin's ➖ arrives only as Slack's second attempt: it is the first Ostrom sees, so it counts.
    w.fake.ws.react(w.ids.erin, review.channel, review.ts, 'heavy_minus_sign');
    await act.deliver('events_api', act.reactionEvent('erin', 'heavy_minus_sign', review, true), {
      retryNum: 2,
    });
    await act.settle();
    expect(await reviewMarks(bot, 1)).toEqual([
      'bob white_check_mark',
      'carol +1::skin-tone-3',
      'erin heavy_minus_sign',
    ]);
  });

  it('refuses forged, unsigned and stale requests and changes nothing', async () => {
    const before = await dbSnapshot(bot.db);
    const event = act.reactionEvent('dave', 'white_check_mark', review, true);
    const now = Math.floor(Date.now() / 1000);
    expect((await act.deliver('events_api', event, { secret: 'not-the-secret' })).status).toBe(401);
    expect((await act.deliver('events_api', event, { unsigned: true })).status).toBe(401);
    expect((await act.deliver('events_api', event, { timestamp: now - 6 * 60 })).status).toBe(401);
    const forgedCommand = act.slashPayload('bob', '/task', 'post Forged');
    expect((await act.deliver('slash_commands', forgedCommand, { secret: 'x' })).status).toBe(401);
    const settled = await act.settle();
    expect(await dbSnapshot(bot.db, [settled])).toBe(before);
    expect(
      w.fake.callsTo('response_url').some((c) => c.args.url === new URL(forgedCommand.response_url).pathname),
    ).toBe(false);
  });

  it('accepts the task at the second approval: review card, task card and the announcement', async () => {
    const reviewEdit = act.nextUpdate(review);
    const taskEdit = act.nextUpdate(card);
    const said = w.fake.nextCall('chat.postMessage', (c) => String(c.args.text).startsWith('✅ Task #1'));
    await act.react('dave', 'white_check_mark', review);
    expect(blocksText(await reviewEdit)).toContain('accepted ✅');
    expect(blocksText(await taskEdit)).toContain('done ✅');
    expect((await said).args.text).toBe(
      '✅ Task #1 "Write the "Getting started" page" accepted. Contributors: bob. Reviewers: carol, dave. Recorded in the commons under CC-BY-SA-4.0.',
    );
    const { answer } = await act.command('erin', '/commons', 'ledger');
    expect((await answer).args.text).toContain('by bob; reviewed by carol, dave; CC-BY-SA-4.0');
  });

  it('answers bad input privately, naming what was wrong, and changes nothing', async () => {
    const before = await dbSnapshot(bot.db);
    const missing = await act.command('dave', '/task', 'claim 99');
    expect((await missing.answer).args).toMatchObject({
      response_type: 'ephemeral',
      text: 'There is no task #99.',
    });
    const unknown = await act.command('dave', '/task', 'frob 1');
    expect((await unknown.answer).args).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/^Unknown subcommand `frob` of `\/task`. Valid: post, list/),
    });
    const ids = [missing.payload, unknown.payload].map((p) => `command:${p.trigger_id}`);
    expect(await dbSnapshot(bot.db, ids)).toBe(before);
  });

  it('tells the member when a card cannot be posted where Ostrom is not invited', async () => {
    const { payload } = await act.command('dave', '/digest', 'now', 'C9PRIVATE');
    const path = new URL(payload.response_url).pathname;
    const told = await w.fake.waitForCall(
      'response_url',
      (c) => c.args.url === path && String(c.args.text).startsWith('Recorded'),
    );
    expect(told.args).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/could not be posted in channel C9PRIVATE\. Invite Ostrom there/),
    });
  });

  it('reads <@U…|name> as the member in /commons profile', async () => {
    const { answer } = await act.command('erin', '/commons', `profile <@${w.ids.carol}|carol>`);
    expect((await answer).args.text).toMatch(/^carol: 0 contributions, 1 accepted review, 1 review vote/);
  });

  it('uploads /commons export to the member by DM with the upload URL API', async () => {
    const complete = w.fake.nextCall('files.completeUploadExternal');
    const { answer } = await act.command('erin', '/commons', 'export format:csv');
    const done = await complete;
    const [url] = w.fake.callsTo('files.getUploadURLExternal');
    expect(url?.args.filename).toMatch(/^ostrom-ledger-\d{4}-\d{2}-\d{2}\.csv$/);
    const fileId = (url!.response as { file_id: string }).file_id;
    expect(w.fake.files.get(fileId)?.toString('utf8')).toMatch(
      /^task,title,contributors,reviewers,link,license/,
    );
    expect(done.args.channel_id).toBe(`D${w.ids.erin}`);
    expect(done.args.files).toEqual([{ id: fileId, title: url!.args.filename }]);
    expect((await answer).args).toMatchObject({
      response_type: 'ephemeral',
      text: expect.stringMatching(/^Ledger export: 1 entry: sent to you as a direct message/),
    });
  });
});

describe('Slack over HTTP: forms, escaping, rate limits, reminders', () => {
  it('opens a form for /task post with no title and posts the task it is filled in with', async () => {
    const opened = w.fake.nextCall('views.open');
    const { payload } = await act.command('carol', '/task', 'post');
    const call = await opened;
    expect((call.args.view as { callback_id: string }).callback_id).toBe('ostrom:post');
    const bad = await act.submitView('carol', call, { title: 'Design a logo', slots: 'many' });
    expect(bad.body).toMatchObject({
      response_action: 'errors',
      errors: { slots: expect.stringMatching(/whole number/) },
    });
    const next = act.nextCard();
    const ephemeral = w.fake.nextCall('chat.postEphemeral');
    await act.submitView('carol', call, { title: 'Design a logo', slots: '2', skills: 'design' });
    expect(blocksText(await next)).toContain('*Claimed by*\n— (0/2)');
    expect((await ephemeral).args).toMatchObject({
      channel: w.tasks,
      user: w.ids.carol,
      text: 'Posted task #2: Design a logo',
    });
    // A slash command that opens a form has nothing else to say.
    await act.settle();
    const url = new URL(payload.response_url).pathname;
    expect(w.fake.callsTo('response_url').filter((c) => c.args.url === url)).toEqual([]);
  });

  it('opens a form for /propose with no text, offering the decision rules', async () => {
    const opened = w.fake.nextCall('views.open');
    await act.command('carol', '/propose', '  ');
    const view = (await opened).args.view as {
      callback_id: string;
      blocks: { block_id?: string; element?: { type: string } }[];
    };
    expect(view.callback_id).toBe('ostrom:propose');
    expect(view.blocks.find((b) => b.block_id === 'rule')?.element?.type).toBe('static_select');
  });

  it('escapes user text so <!channel>, <!here> and <@U…> in a title ping nobody, and never sets link_names', async () => {
    const next = act.nextCard();
    // What Slack sends when a member types: @channel hi @here <@U0001ALICE> & co
    await act.command('erin', '/task', `post <!channel> hi <!here> &lt;@${w.ids.alice}&gt; &amp; co`);
    const post = await next;
    const text = `${String(post.args.text)}\n${blocksText(post)}`;
    expect(post.args.text).toBe(`Task #3 · @channel hi @here &lt;@${w.ids.alice}&gt; &amp; co`);
    expect(text).not.toMatch(/<!|<@|<#/);
    const chat = w.fake.calls.filter((c) => /^chat\./.test(c.method) || c.method === 'response_url');
    expect(chat.length).toBeGreaterThan(10);
    for (const c of chat) {
      expect(argsOf(c).link_names).toBeUndefined();
      expect(argsOf(c).parse).toBeUndefined();
      expect(JSON.stringify(c.args)).not.toMatch(/<!(channel|here|everyone)|<@U/);
    }
  });

  it('waits out a 429 with Retry-After and then makes the call', async () => {
    const next = act.nextCard();
    await act.command('alice', '/task', 'post Rate limited card');
    const card = cardOf(await next);
    w.fake.rateLimit('chat.update', 1, 1);
    const edit = act.nextUpdate(card);
    await act.button('dave', 'ostrom:task.claim:4', card);
    const ok = await edit;
    const tries = w.fake.callsTo('chat.update').filter((c) => c.args.ts === card.ts);
    expect(tries.map((c) => c.status)).toEqual([429, 200]);
    expect(ok.at - tries[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('sends claim reminders and expiry notices by DM', async () => {
    bot.clock.advance(12 * DAY_MS + 60_000);
    const dm = w.fake.nextCall('chat.postMessage', (c) => c.args.channel === `D${w.ids.dave}`);
    for (const o of await bot.core.runDue(['slack'])) await bot.adapter.perform(o);
    expect(w.fake.callsTo('conversations.open').map((c) => c.args.users)).toContain(w.ids.dave);
    expect((await dm).args.text).toMatch(
      /^Reminder: your claim on task #4 "Rate limited card" expires in 2 days/,
    );
  });

  it('acknowledged every request within 3 seconds, and logged no token or secret', () => {
    expect(deliveries.length).toBeGreaterThan(20);
    for (const d of deliveries) expect(d.ms).toBeLessThan(3000);
    const logs = bot.logs.join('');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of [w.botToken, w.appToken, w.signingSecret]) expect(logs).not.toContain(secret);
  });
});
