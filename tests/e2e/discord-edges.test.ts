/**
 * The Discord adapter at its edges: private user errors, autocomplete, cleared and reordered reactions,
 * REST faults, and a log that never holds the token. One adapter for the whole file.
 */
import {
  ApplicationCommandOptionType,
  GatewayDispatchEvents,
  InteractionResponseType,
  MessageFlags,
  type RESTPostAPIInteractionCallbackJSONBody,
} from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  Actions,
  embedOf,
  fieldOf,
  mentionSettings,
  replyOf,
  drained,
  reviewMarks,
  startStage,
  stopStage,
  type Bot,
  type World,
} from '../helpers/discord-harness.js';

let w: World;
let bot: Bot;
let act: Actions;

beforeAll(async () => ({ w, bot, act } = await startStage()));
afterAll(() => stopStage({ w, bot }));

const EPHEMERAL = MessageFlags.Ephemeral;

describe('Discord adapter: user errors and help while typing', () => {
  it('answers user errors privately (flags 64) and changes nothing', async () => {
    const tasksBefore = w.fake.callsTo('POST', `/channels/${w.tasksId}/messages`).length;
    const { callback: missing } = await act.command('carol', 'task', 'claim', { task: 99 });
    expect(replyOf(missing)).toMatchObject({ flags: EPHEMERAL, content: 'There is no task #99.' });

    const { callback: badLink } = await act.command('carol', 'task', 'submit', {
      task: 1,
      link: 'not a url',
    });
    expect(replyOf(badLink).flags).toBe(EPHEMERAL);
    expect(replyOf(badLink).content).toContain('Invalid `link`');

    const { callback: notAdmin } = await act.command('bob', 'commons', 'setup');
    expect(replyOf(notAdmin)).toMatchObject({
      flags: EPHEMERAL,
      content: expect.stringContaining('Only a platform admin may run `/commons setup`'),
    });
    const setUp = 'select count(*) as n from communities where setup_at is not null';
    expect(await bot.db.one(setUp)).toEqual({ n: 0 });

    // Manage Server is what makes an admin: alice has it through a role.
    const { callback: admin } = await act.command('alice', 'commons', 'setup');
    expect(replyOf(admin).content).toContain('Ostrom is set up');
    expect(await bot.db.one(setUp)).toEqual({ n: 1 });
    expect(w.fake.callsTo('POST', `/channels/${w.tasksId}/messages`)).toHaveLength(tasksBefore);
  });

  it('autocompletes task numbers with matching tasks, active ones first (callback type 8)', async () => {
    const old = await act.postTask('alice', 'An old idea');
    await act.command('alice', 'task', 'cancel', { task: old.n, reason: 'superseded' });
    const guide = await act.postTask('alice', 'Translate the guide');
    const footer = await act.postTask('alice', 'Fix the footer');
    const auto = async (value: string) => {
      const interaction = w.fake.interaction.autocomplete({
        name: 'task',
        subcommand: 'claim',
        focused: { name: 'task', value, type: ApplicationCommandOptionType.Integer },
        user: w.ids.erin,
        channelId: w.tasksId,
      });
      const callback = act.callbackOf(interaction);
      w.fake.dispatch(GatewayDispatchEvents.InteractionCreate, interaction);
      return (await callback).body as RESTPostAPIInteractionCallbackJSONBody;
    };
    expect(await auto('')).toEqual({
      type: InteractionResponseType.ApplicationCommandAutocompleteResult,
      data: {
        choices: [
          { name: `#${footer.n} Fix the footer (open)`, value: footer.n },
          { name: `#${guide.n} Translate the guide (open)`, value: guide.n },
          { name: `#${old.n} An old idea (cancelled)`, value: old.n },
        ],
      },
    });
    expect(await auto(String(guide.n))).toEqual({
      type: InteractionResponseType.ApplicationCommandAutocompleteResult,
      data: { choices: [{ name: `#${guide.n} Translate the guide (open)`, value: guide.n }] },
    });
  });
});

describe('Discord adapter: reactions', () => {
  it('drops the votes of REMOVE_EMOJI and REMOVE_ALL on a review card', async () => {
    const { n } = await act.postTask('alice', 'Fix the footer');
    const review = await act.claimAndSubmit('erin', n);

    let edit = act.nextEdit(review);
    act.react('carol', review, '✅');
    await edit;
    edit = act.nextEdit(review);
    act.react('dave', review, '❌');
    let tally = embedOf(await edit);
    expect([fieldOf(tally, 'Approvals'), fieldOf(tally, 'Objections')]).toEqual(['1 of 2: carol', '1: dave']);

    edit = act.nextEdit(review);
    w.fake.dispatch(
      GatewayDispatchEvents.MessageReactionRemoveEmoji,
      w.fake.reactionRemoveEmoji({ channelId: review.channel_id, messageId: review.id, emoji: '❌' }),
    );
    tally = embedOf(await edit);
    expect([fieldOf(tally, 'Approvals'), fieldOf(tally, 'Objections')]).toEqual(['1 of 2: carol', '0: —']);

    edit = act.nextEdit(review);
    w.fake.dispatch(
      GatewayDispatchEvents.MessageReactionRemoveAll,
      w.fake.reactionRemoveAll({ channelId: review.channel_id, messageId: review.id }),
    );
    tally = embedOf(await edit);
    expect([fieldOf(tally, 'Approvals'), fieldOf(tally, 'Objections')]).toEqual(['0 of 2: —', '0: —']);
    expect(await reviewMarks(bot, n)).toEqual([]);
  });

  it("applies a member's quick remove and re-add in gateway order, even when the remove names a user discord.js has not cached", async () => {
    const { n } = await act.postTask('alice', 'Check the links');
    const review = await act.claimAndSubmit('bob', n);
    let edit = act.nextEdit(review);
    act.react('erin', review, '✅');
    expect(fieldOf(embedOf(await edit), 'Approvals')).toBe('1 of 2: erin');

    // As after a cache sweep, or a restart in a large guild: discord.js no longer knows erin.
    const client = bot.adapter.client;
    client.users.cache.delete(w.ids.erin);
    client.guilds.cache.get(w.guildId)?.members.cache.delete(w.ids.erin);
    edit = act.nextEdit(review);
    act.unreact('erin', review, '✅'); // carries no member: erin is a partial user, to be fetched
    act.react('erin', review, '✅'); // carries the member
    await edit;
    await drained(bot); // the edit may be the remove's: the re-add is applied after it
    expect(await reviewMarks(bot, n)).toEqual(['erin ✅']);
    const last = () => w.fake.callsTo('PATCH', `/channels/${w.tasksId}/messages/${review.id}`).at(-1)!;
    await expect.poll(() => fieldOf(embedOf(last()), 'Approvals')).toBe('1 of 2: erin');
  });
});

describe('Discord adapter: faults', () => {
  it('rides out a 429 and a 500 on the card POST; a card that cannot be posted at all is logged, not fatal', async () => {
    const cards = /^\/channels\/\d+\/messages$/;
    const since = w.fake.calls.length;
    w.fake.failNext('POST', cards, 429);
    await act.postTask('carol', 'Rate limited once');
    w.fake.failNext('POST', cards, 500);
    await act.postTask('carol', 'Server error once');
    const statuses = w.fake.calls
      .slice(since)
      .filter((c) => c.method === 'POST' && cards.test(c.path))
      .map((c) => [c.status, c.injected]);
    expect(statuses).toEqual([
      [429, true],
      [200, false],
      [500, true],
      [200, false],
    ]);
    await expect.poll(() => bot.logs.some((l) => l.includes('Discord rate limit'))).toBe(true);

    // Past the retries: the reply still goes out, the failure is logged, and the bot keeps working.
    for (let i = 0; i < 4; i++) w.fake.failNext('POST', cards, 500);
    const { callback } = await act.command('carol', 'task', 'post', { title: 'Never shown' });
    expect(replyOf(callback).content).toMatch(/^Posted task #\d+: Never shown$/);
    await expect
      .poll(() => bot.logs.some((l) => l.includes('a Discord effect failed')), { timeout: 5000 })
      .toBe(true);
    await act.postTask('carol', 'After the outage');
  });

  it('posts the card of a command whose reply Discord refuses (expired), and logs no token', async () => {
    // The task exists, so its card goes out; nobody is told that "nothing was changed".
    const interaction = w.fake.interaction.chatInput({
      name: 'task',
      subcommand: 'post',
      options: { title: 'Answered too late' },
      user: w.ids.carol,
      channelId: w.tasksId,
    });
    const callbackPath = `/interactions/${interaction.id}/${interaction.token}/callback`;
    w.fake.failNext('POST', callbackPath, 404, { message: 'Unknown interaction', code: 10062 });
    const late = act.nextPost();
    w.fake.dispatch(GatewayDispatchEvents.InteractionCreate, interaction);
    expect(embedOf(await late).title).toMatch(/^Task #\d+ · Answered too late$/);
    expect(w.fake.callsTo('POST', callbackPath).map((c) => c.status)).toEqual([404]);
    await expect
      .poll(() => bot.logs.find((l) => l.includes('could not answer an interaction')))
      .toContain('10062');
    expect(bot.logs.join('\n')).not.toContain(interaction.token);

    // The token was used on every authenticated call, and never written to the log.
    expect(w.fake.calls.some((c) => c.headers['authorization'] === `Bot ${w.token}`)).toBe(true);
    expect(bot.logs.length).toBeGreaterThan(2);
    expect(bot.logs.join('\n')).not.toContain(w.token);
  });

  it('logs a form Discord refuses with the interaction token masked in the error', async () => {
    const { card, n } = await act.postTask('alice', 'Masked in the log');
    await act.command('bob', 'task', 'claim', { task: n });
    const interaction = w.fake.interaction.button({
      customId: `ostrom:task.submit:${n}`,
      message: card,
      user: w.ids.bob,
      channelId: w.tasksId,
    });
    const callbackPath = `/interactions/${interaction.id}/${interaction.token}/callback`;
    w.fake.failNext('POST', callbackPath, 404, { message: 'Unknown interaction', code: 10062 });
    w.fake.dispatch(GatewayDispatchEvents.InteractionCreate, interaction);
    // discord.js puts the callback URL, token included, on the error the adapter logs whole.
    await expect.poll(() => bot.logs.some((l) => l.includes('showModal failed'))).toBe(true);
    const line = bot.logs.find((l) => l.includes('showModal failed'))!;
    expect(line).toContain(`/interactions/${interaction.id}/[token]/callback`);
    expect(line).not.toContain(interaction.token);
  });
});

describe('Discord adapter: mentions at the edges', () => {
  it('parses no mentions in any reply or card sent above, errors and retries included', () => {
    const settings = mentionSettings(w.fake);
    expect(settings.length).toBeGreaterThan(20);
    for (const s of settings) expect(s).toEqual({ parse: [] });
  });
});
