/**
 * Proves the real discord.js Client works against the fake Discord in tests/helpers/fake-discord.ts:
 * login handshake, interactions, reactions on uncached messages, message posting, threads, uploads,
 * fault injection and gateway reconnects. Only 127.0.0.1 is used.
 */
import { once } from 'node:events';

import {
  ApplicationCommandOptionType as DjsOptionType,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  MessageFlags,
  Partials,
  type Interaction,
  type MessageReaction,
  type PartialMessageReaction,
  type PartialUser,
  type TextChannel,
  type User,
} from 'discord.js';
import {
  ChannelType,
  ComponentType,
  GatewayDispatchEvents,
  InteractionResponseType,
  PermissionFlagsBits,
  TextInputStyle,
} from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  buildMessage,
  PRIVILEGED_INTENTS,
  startFakeDiscord,
  type FakeDiscord,
} from '../helpers/fake-discord.js';

const INTENTS = [
  GatewayIntentBits.Guilds,
  GatewayIntentBits.GuildMessages,
  GatewayIntentBits.GuildMessageReactions,
];

/** Waits for a client event whose arguments satisfy `filter`, failing after `ms`. */
function nextEvent<A extends unknown[]>(
  client: Client,
  event: string,
  filter: (...args: A) => boolean = () => true,
  ms = 5000,
): Promise<A> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(event, listener);
      reject(new Error(`timed out waiting for client event ${event}`));
    }, ms);
    const listener = (...args: unknown[]) => {
      if (!filter(...(args as A))) return;
      clearTimeout(timer);
      client.off(event, listener);
      resolve(args as A);
    };
    client.on(event, listener);
  });
}

describe('fake Discord with the real discord.js Client', () => {
  let fake: FakeDiscord;
  let client: Client;
  let guildId: string;
  let generalId: string;
  let aliceId: string;
  let bobId: string;
  let stewardRoleId: string;
  const clientErrors: unknown[] = [];

  beforeAll(async () => {
    fake = await startFakeDiscord({
      heartbeatIntervalMs: 800,
      guilds: [
        {
          name: 'Commons',
          channels: [
            { name: 'general' },
            { name: 'proposals' },
            { name: 'Voice', type: ChannelType.GuildVoice },
          ],
          roles: [{ name: 'Steward', permissions: PermissionFlagsBits.ManageMessages }],
          members: [{ user: { username: 'alice' } }, { user: { username: 'bob' } }],
        },
      ],
    });
    const guild = fake.guilds[0]!;
    guildId = guild.id;
    generalId = guild.channels[0]!.id;
    aliceId = guild.members.find((m) => m.user.username === 'alice')!.user.id;
    bobId = guild.members.find((m) => m.user.username === 'bob')!.user.id;
    stewardRoleId = guild.roles.find((r) => r.name === 'Steward')!.id;

    client = new Client({
      intents: INTENTS,
      partials: [Partials.Message, Partials.Channel, Partials.Reaction, Partials.User],
      rest: { api: fake.restUrl },
    });
    client.on(Events.Error, (error) => clientErrors.push(error));
    const ready = once(client, Events.ClientReady);
    await client.login(fake.token);
    await ready;
  });

  afterAll(async () => {
    await client?.destroy();
    await fake?.close();
  });

  it('serves the login handshake: /gateway/bot, HELLO, IDENTIFY with our intents, READY and GUILD_CREATE', async () => {
    const gatewayCalls = fake.callsTo('GET', '/gateway/bot');
    expect(gatewayCalls).toHaveLength(1);
    expect(gatewayCalls[0]!.rawPath).toBe('/api/v10/gateway/bot');
    expect(gatewayCalls[0]!.headers['authorization']).toBe(`Bot ${fake.token}`);

    expect(fake.identifies).toHaveLength(1);
    const identify = fake.identifies[0]!;
    const expected =
      GatewayIntentBits.Guilds | GatewayIntentBits.GuildMessages | GatewayIntentBits.GuildMessageReactions;
    expect(identify.intents).toBe(expected);
    expect(identify.intents & PRIVILEGED_INTENTS).toBe(0);
    expect(identify.token).toBe(fake.token);
    expect(identify.shard).toEqual([0, 1]);
    expect(identify.connectQuery).toEqual({ v: '10', encoding: 'json' }); // no compress=zlib-stream

    expect(client.user?.id).toBe(fake.bot.id);
    expect(client.application?.id).toBe(fake.applicationId);
    const guild = client.guilds.cache.get(guildId);
    expect(guild?.name).toBe('Commons');
    expect(guild?.available).toBe(true);
    expect(guild?.channels.cache.map((c) => c.name).sort()).toEqual(['Voice', 'general', 'proposals']);
    expect(guild?.roles.cache.get(stewardRoleId)?.name).toBe('Steward');
    expect(guild?.members.cache.get(aliceId)?.user.username).toBe('alice');
    expect(guild?.members.me?.permissions.has(PermissionFlagsBits.SendMessages)).toBe(true);
  });

  it('acknowledges heartbeats so the client measures a ping', async () => {
    await fake.waitForHeartbeat(1);
    await expect.poll(() => client.ws.ping, { timeout: 3000 }).toBeGreaterThanOrEqual(0);
  });

  it('answers slash commands: an ephemeral reply and a follow-up are recorded, the reply stays private', async () => {
    const handled = new Promise<void>((resolve, reject) => {
      const listener = async (interaction: Interaction) => {
        if (!interaction.isChatInputCommand() || interaction.commandName !== 'proposal') return;
        client.off(Events.InteractionCreate, listener);
        try {
          const title = interaction.options.getString('title', true);
          const weight = interaction.options.getInteger('weight', true);
          await interaction.reply({
            content: `${interaction.options.getSubcommand()} ${title} (${weight}) by ${interaction.user.username}`,
            flags: MessageFlags.Ephemeral,
          });
          await interaction.followUp({ content: 'Posted for all', allowedMentions: { parse: [] } });
          resolve();
        } catch (error) {
          reject(error);
        }
      };
      client.on(Events.InteractionCreate, listener);
    });

    const payload = fake.interaction.chatInput({
      name: 'proposal',
      subcommand: 'create',
      options: { title: 'Plant trees', weight: 3 },
      user: aliceId,
      channelId: generalId,
    });
    expect(fake.dispatch(GatewayDispatchEvents.InteractionCreate, payload)).toBe(1);
    await handled;

    const [callback] = fake.callsTo('POST', `/interactions/${payload.id}/${payload.token}/callback`);
    expect(callback?.status).toBe(204);
    expect(callback?.query).toEqual({ with_response: 'false' });
    expect(callback?.headers['authorization']).toBeUndefined(); // interaction callbacks are unauthenticated
    expect(callback?.body).toMatchObject({
      type: InteractionResponseType.ChannelMessageWithSource,
      data: { content: 'create Plant trees (3) by alice', flags: MessageFlags.Ephemeral },
    });

    const [followUp] = fake.callsTo('POST', `/webhooks/${fake.applicationId}/${payload.token}`);
    expect(followUp?.status).toBe(200);
    expect(followUp?.body).toMatchObject({ content: 'Posted for all', allowed_mentions: { parse: [] } });
    // Ephemeral replies never land in the channel; a public follow-up does.
    const contents = fake.messages(generalId).map((m) => m.content);
    expect(contents.some((c) => c.includes('Plant trees'))).toBe(false);
    expect(contents).toContain('Posted for all');
  });

  it('rejects a second acknowledgement like Discord does (40060)', async () => {
    const payload = fake.interaction.chatInput({ name: 'ping', user: bobId });
    const replied = new Promise<unknown>((resolve) => {
      const listener = async (interaction: Interaction) => {
        if (!interaction.isChatInputCommand() || interaction.id !== payload.id) return;
        client.off(Events.InteractionCreate, listener);
        await interaction.reply({ content: 'pong' });
        // Bypass discord.js' own "already replied" guard to hit the API twice.
        resolve(
          await client.rest
            .post(`/interactions/${interaction.id}/${interaction.token}/callback`, {
              body: { type: InteractionResponseType.ChannelMessageWithSource, data: { content: 'again' } },
              auth: false,
            })
            .catch((error: unknown) => error),
        );
      };
      client.on(Events.InteractionCreate, listener);
    });
    fake.dispatch(GatewayDispatchEvents.InteractionCreate, payload);
    const error = await replied;
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).code).toBe(40060);

    const calls = fake.callsTo('POST', `/interactions/${payload.id}/${payload.token}/callback`);
    expect(calls.map((c) => c.status)).toEqual([204, 400]);
    // A public reply is a real channel message.
    expect(fake.messages(generalId).map((m) => m.content)).toContain('pong');
  });

  it('handles button (reply), modal and autocomplete (respond) interactions', async () => {
    const channel = client.channels.cache.get(generalId) as TextChannel;
    const posted = await channel.send({ content: 'Vote!' });

    const listener = async (interaction: Interaction) => {
      if (interaction.isButton() && interaction.customId === 'vote:yes')
        await interaction.reply({ content: 'Voted yes', flags: MessageFlags.Ephemeral });
      if (interaction.isButton() && interaction.customId === 'form')
        await interaction.showModal({
          custom_id: 'form:1',
          title: 'A form',
          components: [
            {
              type: ComponentType.ActionRow,
              components: [
                {
                  type: ComponentType.TextInput,
                  custom_id: 'note',
                  label: 'Note',
                  style: TextInputStyle.Short,
                },
              ],
            },
          ],
        });
      if (interaction.isAutocomplete()) {
        const typed = interaction.options.getFocused();
        await interaction.respond([{ name: `${typed}-1`, value: `${typed}-1` }]);
      }
    };
    client.on(Events.InteractionCreate, listener);
    try {
      const button = fake.interaction.button({ customId: 'vote:yes', message: posted.id, user: bobId });
      fake.dispatch(GatewayDispatchEvents.InteractionCreate, button);
      const buttonCall = await fake.waitForCall(
        'POST',
        `/interactions/${button.id}/${button.token}/callback`,
      );
      expect(buttonCall.body).toEqual({
        type: InteractionResponseType.ChannelMessageWithSource,
        data: expect.objectContaining({ content: 'Voted yes', flags: MessageFlags.Ephemeral }),
      });

      const form = fake.interaction.button({ customId: 'form', message: posted.id, user: bobId });
      fake.dispatch(GatewayDispatchEvents.InteractionCreate, form);
      const formCall = await fake.waitForCall('POST', `/interactions/${form.id}/${form.token}/callback`);
      expect(formCall).toMatchObject({
        status: 204,
        body: { type: InteractionResponseType.Modal, data: { custom_id: 'form:1' } },
      });

      const auto = fake.interaction.autocomplete({ name: 'task', focused: { name: 'title', value: 'gard' } });
      fake.dispatch(GatewayDispatchEvents.InteractionCreate, auto);
      const autoCall = await fake.waitForCall('POST', `/interactions/${auto.id}/${auto.token}/callback`);
      expect(autoCall.body).toEqual({
        type: InteractionResponseType.ApplicationCommandAutocompleteResult,
        data: { choices: [{ name: 'gard-1', value: 'gard-1' }] },
      });
    } finally {
      client.off(Events.InteractionCreate, listener);
    }
  });

  it('emits messageReactionAdd for an uncached message (partial) and serves reactions over REST', async () => {
    // The message exists on "Discord" but discord.js has never seen it.
    const stored = fake.putMessage(
      buildMessage({
        id: fake.store.ids.next(),
        channelId: generalId,
        author: fake.store.user(bobId),
        content: 'Proposal #1',
      }),
    );
    expect(
      client.channels.cache.get(generalId)?.isTextBased() &&
        (client.channels.cache.get(generalId) as TextChannel).messages.cache.has(stored.id),
    ).toBe(false);

    const event = nextEvent<[MessageReaction | PartialMessageReaction, User | PartialUser]>(
      client,
      Events.MessageReactionAdd,
    );
    fake.dispatch(
      GatewayDispatchEvents.MessageReactionAdd,
      fake.reactionAdd({ channelId: generalId, messageId: stored.id, userId: aliceId, emoji: '👍' }),
    );
    const [reaction, user] = await event;
    expect(reaction.message.partial).toBe(true);
    expect(reaction.message.id).toBe(stored.id);
    expect(reaction.emoji.name).toBe('👍');
    expect(user.id).toBe(aliceId);
    expect(fake.reactionUsers(generalId, stored.id, '👍')).toEqual([aliceId]);

    // The dispatch updated the fake's reaction store; add more voters and read them back through discord.js.
    const carol = fake.addUser({ username: 'carol' });
    const dave = fake.addUser({ username: 'dave' });
    fake.setReactions(generalId, stored.id, '👍', [aliceId, bobId, carol.id, dave.id]);
    fake.setReactions(generalId, stored.id, 'yes:123456789012345678', [bobId]);

    const message = await reaction.message.fetch();
    expect(message.partial).toBe(false);
    expect(message.content).toBe('Proposal #1');
    expect(message.reactions.cache.get('👍')?.count).toBe(4);
    expect(message.reactions.cache.get('123456789012345678')?.count).toBe(1);

    const all = await message.reactions.cache.get('👍')!.users.fetch();
    expect([...all.keys()].sort()).toEqual([aliceId, bobId, carol.id, dave.id].sort());
    const sortedIds = [aliceId, bobId, carol.id, dave.id].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1));
    const page = await message.reactions.cache.get('👍')!.users.fetch({ limit: 2, after: sortedIds[0]! });
    expect([...page.keys()]).toEqual(sortedIds.slice(1, 3));
    const pageCall = fake
      .callsTo('GET', new RegExp(`^/channels/${generalId}/messages/${stored.id}/reactions/`))
      .at(-1);
    expect(pageCall?.rawPath).toContain(encodeURIComponent('👍'));
    expect(pageCall?.query).toEqual({ limit: '2', after: sortedIds[0], type: '0' });
    expect(pageCall?.path).toBe(`/channels/${generalId}/messages/${stored.id}/reactions/👍`);

    // The bot votes too: PUT …/reactions/:emoji/@me → 204, and the store reflects it.
    await message.react('👍');
    const put = fake.callsTo('PUT', new RegExp(`/messages/${stored.id}/reactions/.+/@me$`));
    expect(put.map((c) => c.status)).toEqual([204]);
    expect(fake.reactionUsers(generalId, stored.id, '👍')).toContain(fake.bot.id);
    expect(
      fake.getMessage(generalId, stored.id)?.reactions?.find((r) => r.emoji.name === '👍'),
    ).toMatchObject({ count: 5, me: true });
  });

  it('posts messages with allowedMentions and records the exact body', async () => {
    const channel = client.channels.cache.get(generalId) as TextChannel;
    const sent = await channel.send({ content: `Review by <@${aliceId}>`, allowedMentions: { parse: [] } });

    const call = fake.callsTo('POST', `/channels/${generalId}/messages`).at(-1);
    expect(call?.body).toEqual({
      content: `Review by <@${aliceId}>`,
      tts: false,
      enforce_nonce: false,
      allowed_mentions: { parse: [] },
    });
    expect(call?.response).toMatchObject({ id: sent.id, channel_id: generalId, author: { id: fake.bot.id } });
    expect(sent.mentions.users.size).toBe(0); // parse: [] suppressed the mention
    expect(fake.messages(generalId).at(-1)?.content).toBe(`Review by <@${aliceId}>`);

    const pinged = await channel.send({ content: `Hi <@${bobId}>` });
    expect(pinged.mentions.users.has(bobId)).toBe(true);
  });

  it('starts a thread on a message and posts into it', async () => {
    const channel = client.channels.cache.get(generalId) as TextChannel;
    const root = await channel.send('Proposal: community garden');
    const thread = await root.startThread({ name: 'Discussion' });
    expect(thread.id).toBe(root.id);
    expect(thread.parentId).toBe(generalId);
    expect(thread.type).toBe(ChannelType.PublicThread);
    await thread.send('First comment');

    expect(fake.callsTo('POST', `/channels/${generalId}/messages/${root.id}/threads`)[0]?.body).toMatchObject(
      { name: 'Discussion' },
    );
    expect(fake.messages(thread.id).map((m) => m.content)).toEqual(['First comment']);
    const fetched = await client.channels.fetch(thread.id, { force: true });
    expect(fetched?.isThread()).toBe(true);
  });

  it('parses multipart uploads', async () => {
    const channel = client.channels.cache.get(generalId) as TextChannel;
    const sent = await channel.send({
      content: 'Ledger export',
      files: [{ attachment: Buffer.from('a,b\n1,2\n'), name: 'ledger.csv' }],
    });

    const call = fake.callsTo('POST', `/channels/${generalId}/messages`).at(-1)!;
    expect(call.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(call.body).toEqual({
      content: 'Ledger export',
      tts: false,
      enforce_nonce: false,
      attachments: [{ id: '0' }],
    });
    expect(call.files).toHaveLength(1);
    expect(call.files[0]).toMatchObject({ field: 'files[0]', filename: 'ledger.csv' });
    expect(call.files[0]!.data.toString()).toBe('a,b\n1,2\n');
    expect(call.parts?.map((p) => p.name)).toEqual(['files[0]', 'payload_json']);

    const attachment = sent.attachments.first();
    expect(attachment?.name).toBe('ledger.csv');
    expect(attachment?.size).toBe(8);
  });

  it('registers application commands (bulk overwrite) and validates them', async () => {
    const commands = await client.application!.commands.set([
      {
        name: 'task',
        description: 'Manage tasks',
        options: [{ type: DjsOptionType.String, name: 'title', description: 'Title', required: true }],
      },
      { name: 'ledger', description: 'Show the ledger' },
    ]);
    expect(commands.size).toBe(2);
    expect(commands.map((c) => c.name).sort()).toEqual(['ledger', 'task']);
    expect(commands.every((c) => /^\d+$/.test(c.id))).toBe(true);
    expect(fake.callsTo('PUT', `/applications/${fake.applicationId}/commands`)[0]?.body).toHaveLength(2);

    const guildCommands = await client.application!.commands.set(
      [{ name: 'vote', description: 'Vote' }],
      guildId,
    );
    expect(guildCommands.first()?.guildId).toBe(guildId);
    expect(fake.store.guildCommands.get(guildId)?.map((c) => c.name)).toEqual(['vote']);

    // Re-registering keeps ids stable, like Discord.
    const again = await client.application!.commands.set([{ name: 'task', description: 'Manage tasks v2' }]);
    expect(again.first()?.id).toBe(commands.find((c) => c.name === 'task')?.id);

    await expect(
      client.application!.commands.set([{ name: 'Bad Name', description: 'x' }]),
    ).rejects.toMatchObject({
      code: 50035,
      status: 400,
    });
  });

  it('injects 429 and 500 once; @discordjs/rest retries and succeeds', async () => {
    const channel = client.channels.cache.get(generalId) as TextChannel;
    const rateLimited = new Promise<unknown>((resolve) => client.rest.once('rateLimited', resolve));
    fake.failNext('POST', new RegExp(`^/channels/${generalId}/messages$`), 429);
    const before = fake.callsTo('POST', `/channels/${generalId}/messages`).length;
    await channel.send('after a rate limit');
    const calls = fake.callsTo('POST', `/channels/${generalId}/messages`).slice(before);
    expect(calls.map((c) => [c.status, c.injected])).toEqual([
      [429, true],
      [200, false],
    ]);
    expect(calls[0]?.response).toMatchObject({ retry_after: 0.05, global: false });
    expect(await rateLimited).toMatchObject({ retryAfter: expect.any(Number), global: false });

    fake.failNext('GET', /^\/guilds\/\d+\/members\/\d+$/, 500);
    const member = await client.guilds.cache.get(guildId)!.members.fetch({ user: bobId, force: true });
    expect(member.user.username).toBe('bob');
    expect(fake.callsTo('GET', `/guilds/${guildId}/members/${bobId}`).map((c) => c.status)).toEqual([
      500, 200,
    ]);
  });

  it('answers unknown routes with 404 and records them', async () => {
    const error = await client.rest.get('/definitely/not/a/route').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect((error as DiscordAPIError).status).toBe(404);
    expect(fake.callsTo('GET', '/definitely/not/a/route')[0]).toMatchObject({
      status: 404,
      response: { message: 'Unknown', code: 0 },
    });
    await expect(client.channels.fetch('1', { force: true })).rejects.toMatchObject({ code: 10003 });
  });

  it('enforces intents: no reaction in a DM reaches a client without DIRECT_MESSAGE_REACTIONS', async () => {
    const dm = { channelId: '1300000000000000001', messageId: '1300000000000000002', guildId: null };
    const inDm = fake.reactionAdd({ ...dm, userId: aliceId, emoji: '👍' });
    expect(inDm.guild_id).toBeUndefined();
    expect(fake.dispatch(GatewayDispatchEvents.MessageReactionAdd, inDm)).toBe(0);
    const inGuild = fake.reactionAdd({
      channelId: generalId,
      messageId: dm.messageId,
      userId: aliceId,
      emoji: '👍',
    });
    expect(fake.dispatch(GatewayDispatchEvents.MessageReactionAdd, inGuild)).toBe(1);
  });

  it('resumes after a resumable drop and replays what was missed', async () => {
    const stored = fake.putMessage(
      buildMessage({
        id: fake.store.ids.next(),
        channelId: generalId,
        author: fake.store.user(aliceId),
        content: 'x',
      }),
    );
    await fake.dropConnection({ resumable: true });
    // Dispatched while the client is disconnected: must arrive through the RESUME replay.
    const event = nextEvent<[MessageReaction | PartialMessageReaction, User | PartialUser]>(
      client,
      Events.MessageReactionAdd,
      (r) => r.message.id === stored.id,
    );
    expect(
      fake.dispatch(
        GatewayDispatchEvents.MessageReactionAdd,
        fake.reactionAdd({ channelId: generalId, messageId: stored.id, userId: bobId, emoji: '✅' }),
      ),
    ).toBe(1);
    const resume = await fake.waitForResume(1);
    expect(resume.accepted).toBe(true);
    expect(resume.session_id).toBe(fake.identifies[0]!.sessionId);
    const [reaction, user] = await event;
    expect(reaction.emoji.name).toBe('✅');
    expect(user.id).toBe(bobId);
    expect(fake.resumes[0]!.replayed).toBe(1);
    expect(fake.identifies).toHaveLength(1);
  });

  it('re-identifies after a non-resumable drop and keeps working', async () => {
    await fake.dropConnection({ resumable: false });
    const second = await fake.waitForIdentify(2);
    expect(second.intents).toBe(fake.identifies[0]!.intents);
    expect(second.sessionId).not.toBe(fake.identifies[0]!.sessionId);

    // The new session delivers events again.
    await expect.poll(() => client.ws.status, { timeout: 3000 }).toBe(0); // Status.Ready
    const payload = fake.interaction.chatInput({ name: 'after-reconnect', user: aliceId });
    const got = nextEvent<[Interaction]>(client, Events.InteractionCreate, (i) => i.id === payload.id);
    expect(fake.dispatch(GatewayDispatchEvents.InteractionCreate, payload)).toBe(1);
    await got;
    expect(clientErrors).toEqual([]);
  });

  it('shuts down cleanly: client.destroy() + fake.close() leave nothing open', async () => {
    await client.destroy();
    await expect.poll(() => fake.gateway.openConnections, { timeout: 2000 }).toBe(0);
    await fake.close();
    await expect(fetch(`${fake.baseUrl}/api/v10/gateway/bot`)).rejects.toThrow();
  });
});
