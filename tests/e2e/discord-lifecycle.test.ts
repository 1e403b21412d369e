/**
 * The Discord adapter end to end: the real discord.js client and DiscordAdapter against the fake Discord,
 * driven by gateway dispatches, judged by the REST calls the bot made. Command registration, a task from
 * post to ledger, repeated interactions, the submit form, the CSV export, and no mention ever parsed.
 * One adapter for the whole file.
 */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  GatewayDispatchEvents,
  GatewayIntentBits,
  InteractionResponseType,
  MessageFlags,
  type APIApplicationCommandOption,
  type RESTPostAPIInteractionCallbackJSONBody,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  Actions,
  buttonsOf,
  embedOf,
  fieldOf,
  mentionSettings,
  messageOf,
  replyOf,
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

describe('Discord adapter: start', () => {
  it('registers the 8 commands with their subcommands in the guild, and asks only for the 3 intents', () => {
    const [put] = w.fake.callsTo('PUT', `/applications/${w.fake.applicationId}/guilds/${w.guildId}/commands`);
    expect(put?.status).toBe(200);
    const body = put!.body as RESTPostAPIChatInputApplicationCommandsJSONBody[];
    expect(body.every((c) => c.type === ApplicationCommandType.ChatInput)).toBe(true);
    expect(body.map((c) => c.name).sort()).toEqual(
      ['commons', 'digest', 'help', 'proposal', 'propose', 'review', 'task', 'vote'].sort(),
    );
    const subs = (name: string) =>
      (body.find((c) => c.name === name)?.options ?? [])
        .filter((o) => o.type === ApplicationCommandOptionType.Subcommand)
        .map((o) => o.name);
    expect(subs('task')).toEqual(['post', 'list', 'show', 'claim', 'unclaim', 'submit', 'cancel']);
    expect(subs('proposal')).toEqual(['list', 'show', 'withdraw']);
    expect(subs('digest')).toEqual(['now', 'schedule']);
    expect(subs('commons')).toEqual(['setup', 'config', 'ledger', 'export', 'profile', 'audit', 'verify']);
    expect(subs('review')).toEqual([]);
    const review: APIApplicationCommandOption[] = body.find((c) => c.name === 'review')!.options ?? [];
    expect(review[0]).toMatchObject({
      name: 'task',
      type: ApplicationCommandOptionType.Integer,
      required: true,
      autocomplete: true,
    });
    expect(review.find((o) => o.name === 'verdict')).toMatchObject({
      type: ApplicationCommandOptionType.String,
      choices: [
        { name: 'approve', value: 'approve' },
        { name: 'object', value: 'object' },
      ],
    });
    expect(w.fake.identifies[0]?.intents).toBe(
      GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.GuildMessageReactions,
    );
  });
});

describe('Discord adapter: the task lifecycle', () => {
  it('goes from /task post to the ledger: card, Claim button, review card, seeded votes, peer approvals', async () => {
    // Post: a private reply naming #1, and the card in #tasks with a Claim button.
    const post = act.nextPost();
    const { callback: posted } = await act.command('alice', 'task', 'post', {
      title: 'Write the contributor guide',
      skills: 'docs,writing',
    });
    expect(replyOf(posted)).toMatchObject({
      type: InteractionResponseType.ChannelMessageWithSource,
      flags: EPHEMERAL,
      content: expect.stringContaining('#1'),
    });
    const cardCall = await post;
    const card = messageOf(cardCall);
    expect(embedOf(cardCall).title).toBe('Task #1 · Write the contributor guide');
    expect(fieldOf(embedOf(cardCall), 'Skills')).toBe('docs, writing');
    expect(buttonsOf(cardCall)).toEqual(['ostrom:task.claim:1']);

    // Claim by button: a public reply, and the card names the claimant.
    const claimEdit = act.nextEdit(card);
    const { callback: claimed } = await act.button('bob', 'ostrom:task.claim:1', card);
    const claimReply = replyOf(claimed);
    expect(claimReply.type).toBe(InteractionResponseType.ChannelMessageWithSource);
    expect((claimReply.flags ?? 0) & EPHEMERAL).toBe(0);
    expect(claimReply.content).toContain('bob claimed task #1');
    const claimedCard = embedOf(await claimEdit);
    expect(fieldOf(claimedCard, 'Claimed by')).toBe('bob (1/1)');
    expect(fieldOf(claimedCard, 'Status')).toBe('claimed');

    // Submit with a link: a review card, seeded with ✅ and ❌ by the bot.
    const reviewPost = act.nextPost();
    const { callback: submitted } = await act.command('bob', 'task', 'submit', {
      task: 1,
      link: 'https://example.org/pr/1',
    });
    expect(replyOf(submitted).content).toContain('bob submitted task #1');
    const reviewCall = await reviewPost;
    const review = messageOf(reviewCall);
    expect(embedOf(reviewCall).title).toBe('Review · Task #1 · Write the contributor guide');
    expect(fieldOf(embedOf(reviewCall), 'Approvals')).toBe('0 of 2: —');
    const seeds = new RegExp(`^/channels/${w.tasksId}/messages/${review.id}/reactions/(.+)/@me$`);
    await w.fake.waitForCall('PUT', seeds, 2);
    expect(w.fake.callsTo('PUT', seeds).map((c) => [seeds.exec(c.path)?.[1], c.status])).toEqual([
      ['✅', 204],
      ['❌', 204],
    ]);
    expect(w.fake.reactionUsers(w.tasksId, review.id, '✅')).toEqual([w.fake.bot.id]);

    // The claimant's ✅ is not counted; neither were the bot's own (echoed) reactions.
    let edit = act.nextEdit(review);
    act.react('bob', review, '✅');
    expect(fieldOf(embedOf(await edit), 'Approvals')).toBe('0 of 2: —');
    const reviewEdits = () => w.fake.callsTo('PATCH', `/channels/${w.tasksId}/messages/${review.id}`);
    expect(reviewEdits()).toHaveLength(1); // the bot's ✅ ❌ changed nothing

    // Two peers: the live tally, then acceptance.
    edit = act.nextEdit(review);
    act.react('carol', review, '✅');
    expect(fieldOf(embedOf(await edit), 'Approvals')).toBe('1 of 2: carol');

    edit = act.nextEdit(review);
    const taskEdit = act.nextEdit(card);
    const notice = act.nextPost();
    act.react('dave', review, '👍');
    const accepted = embedOf(await edit);
    expect(fieldOf(accepted, 'Status')).toBe('accepted ✅');
    expect(fieldOf(accepted, 'Approvals')).toBe('2 of 2: carol, dave');
    expect(fieldOf(embedOf(await taskEdit), 'Status')).toBe('done ✅');
    const said = (await notice).body as { content: string };
    expect(said.content).toContain('✅ Task #1 "Write the contributor guide" accepted');
    expect(said.content).toContain('Contributors: bob. Reviewers: carol, dave.');

    // The ledger lists it.
    const { callback: ledger } = await act.command('erin', 'commons', 'ledger');
    expect(replyOf(ledger).content).toMatch(
      /#1 Write the contributor guide — by bob; reviewed by carol, dave/,
    );
  });

  it('counts a repeated interaction once: one task, one card, one callback', async () => {
    const interaction = w.fake.interaction.chatInput({
      name: 'task',
      subcommand: 'post',
      options: { title: 'Sent twice by the gateway' },
      user: w.ids.carol,
      channelId: w.tasksId,
    });
    const callbackPath = `/interactions/${interaction.id}/${interaction.token}/callback`;
    const cardsBefore = w.fake.callsTo('POST', `/channels/${w.tasksId}/messages`).length;
    w.fake.dispatch(GatewayDispatchEvents.InteractionCreate, interaction);
    w.fake.dispatch(GatewayDispatchEvents.InteractionCreate, interaction);
    await w.fake.waitForCall('POST', callbackPath);
    await w.fake.waitForCall('POST', `/channels/${w.tasksId}/messages`, cardsBefore + 1);
    await act.settle();

    expect(w.fake.callsTo('POST', callbackPath)).toHaveLength(1);
    const cards = w.fake
      .callsTo('POST', `/channels/${w.tasksId}/messages`)
      .filter((c) => JSON.stringify(c.body).includes('Sent twice by the gateway'));
    expect(cards).toHaveLength(1);
    const n = (await bot.db.one<{ n: number }>(
      "select count(*) as n from tasks where title = 'Sent twice by the gateway'",
    ))!;
    expect(n.n).toBe(1);
  });
});

describe('Discord adapter: submitting through the form', () => {
  it('answers the Submit button with a form, and its submission posts the review card', async () => {
    const { card, n } = await act.postTask('alice', 'Record the podcast');
    const claimEdit = act.nextEdit(card);
    await act.command('dave', 'task', 'claim', { task: n });
    const claimed = await claimEdit;
    expect(buttonsOf(claimed)).toEqual([`ostrom:task.submit:${n}`]);

    const { callback } = await act.button('dave', `ostrom:task.submit:${n}`, card);
    const modal = callback.body as RESTPostAPIInteractionCallbackJSONBody;
    expect(modal.type).toBe(InteractionResponseType.Modal);
    expect(modal).toMatchObject({
      data: { custom_id: `ostrom:submit:${n}`, title: `Submit task #${n} for review` },
    });

    const form = w.fake.interaction.modalSubmit({
      customId: `ostrom:submit:${n}`,
      fields: { link: ' https://example.org/episode-1 ', note: 'Edited and uploaded' },
      user: w.ids.dave,
      channelId: w.tasksId,
    });
    const review = act.nextPost();
    const submitted = act.callbackOf(form);
    w.fake.dispatch(GatewayDispatchEvents.InteractionCreate, form);
    expect(replyOf(await submitted).content).toContain(`dave submitted task #${n} for review`);
    const embed = embedOf(await review);
    expect(embed.title).toBe(`Review · Task #${n} · Record the podcast`);
    expect(embed.url).toBe('https://example.org/episode-1');
    expect(embed.description).toContain('Note: Edited and uploaded');
  });
});

describe('Discord adapter: the ledger as a file', () => {
  it('uploads /commons export format:csv as a CSV attachment', async () => {
    const { callback } = await act.command('dave', 'commons', 'export', { format: 'csv' });
    expect(callback.status).toBe(204);
    expect(callback.headers['content-type']).toMatch(/^multipart\/form-data/);
    expect(replyOf(callback)).toMatchObject({ flags: EPHEMERAL, content: 'Ledger export: 1 entry' });
    expect(callback.files).toHaveLength(1);
    const [file] = callback.files;
    expect(file!.filename).toMatch(/^ostrom-ledger-\d{4}-\d{2}-\d{2}\.csv$/);
    const [header, row, ...rest] = file!.data.toString('utf8').trim().split(/\r?\n/);
    expect(header).toBe('task,title,contributors,reviewers,link,license,accepted_at,audit_hash');
    expect(row).toMatch(
      /^1,Write the contributor guide,bob,carol; dave,https:\/\/example\.org\/pr\/1,CC-BY-SA-4\.0,/,
    );
    expect(rest).toEqual([]);
  });
});

describe('Discord adapter: mentions', () => {
  it('pings nobody: a task titled "@everyone please help", and every message the bot sent, parse no mentions', async () => {
    const { card, n } = await act.postTask('alice', '@everyone please help');
    const review = await act.claimAndSubmit('carol', n);
    let edit = act.nextEdit(review);
    act.react('dave', review, '✅');
    await edit;
    edit = act.nextEdit(review);
    const notice = act.nextPost();
    act.react('erin', review, '✅');
    await edit;
    const said = messageOf(await notice);
    expect(said.content).toContain('"@\u200beveryone please help" accepted');
    expect(said.mention_everyone).toBe(false);
    expect(w.fake.getMessage(w.tasksId, card.id)?.mention_everyone).toBe(false);

    const bodies = mentionSettings(w.fake);
    expect(bodies.length).toBeGreaterThan(30);
    for (const b of bodies) expect(b).toEqual({ parse: [] });
  });

  it('shows markdown in a title as typed: no bold, no masked link, in the card, the review card and the notice', async () => {
    const title = '**bold** [x](https://evil) <@123> # not a heading';
    const shown = '\\*\\*bold\\*\\* \\[x](https://evil) \\<@123> # not a heading';
    const { card, n } = await act.postTask('alice', title);
    expect(card.embeds[0]!.title).toBe(`Task #${n} · ${shown}`);
    const review = await act.claimAndSubmit('carol', n);
    expect(review.embeds[0]!.title).toContain(shown);
    let edit = act.nextEdit(review);
    act.react('dave', review, '✅');
    await edit;
    edit = act.nextEdit(review);
    const notice = act.nextPost();
    act.react('erin', review, '✅');
    await edit;
    expect(messageOf(await notice).content).toContain(`"${shown}" accepted`);
  });
});
