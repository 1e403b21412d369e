/**
 * End-to-end harness for the Discord adapter: the fake Discord (one guild, #tasks, five members, alice an
 * admin with Manage Server), a core on the test database (SQLite, or PostgreSQL in the `pg` project) with
 * a hand-moved clock, the production logger keeping its lines, and the REAL DiscordAdapter logged in through discord.js. Tests act through gateway dispatches
 * and read the REST calls the bot made.
 */
import { randomBytes } from 'node:crypto';

import {
  GatewayDispatchEvents,
  InteractionResponseType,
  MessageFlags,
  PermissionFlagsBits,
  ChannelType,
  OverwriteType,
  type APIOverwrite,
  type APIEmbed,
  type APIMessage,
  type RESTPatchAPIChannelMessageJSONBody,
  type RESTPostAPIChannelMessageJSONBody,
  type RESTPostAPIInteractionCallbackJSONBody,
} from 'discord-api-types/v10';

import { DiscordAdapter } from '../../adapters/discord/discord-adapter.js';
import { plain } from '../../adapters/discord/render.js';
import { Governance } from '../../src/core/index.js';
import { createLogger } from '../../src/log.js';
import { TestClock } from './core.js';
import { drainedQueue } from './slack-reads.js';
import { testDb, type TestDb } from './test-db.js';
import { startFakeDiscord, type FakeDiscord, type OptionsInput, type RecordedCall } from './fake-discord.js';

export const NAMES = ['alice', 'bob', 'carol', 'dave', 'erin'] as const;
export type Name = (typeof NAMES)[number];

/** Discord's side: the fake server and the ids tests refer to. */
export interface World {
  fake: FakeDiscord;
  token: string;
  guildId: string;
  tasksId: string;
  ids: Record<Name, string>;
}

/** Starts the fake: guild "Commons" with #tasks; alice holds a role with Manage Server, the others do not. */
export async function startWorld(): Promise<World> {
  const token = `OSTROM-TEST-TOKEN.${randomBytes(12).toString('base64url')}`;
  // Joined long ago, so every member may vote whatever the test clock says (votes.minMemberDays).
  const joinedAt = '2020-01-01T00:00:00.000Z';
  const fake = await startFakeDiscord({
    token,
    heartbeatIntervalMs: 1000,
    guilds: [
      {
        name: 'Commons',
        // #voice and #locked are channels Ostrom cannot post cards in (#locked: see below).
        channels: [{ name: 'tasks' }, { name: 'voice', type: ChannelType.GuildVoice }, { name: 'locked' }],
        roles: [{ id: '900000000000000001', name: 'Steward', permissions: PermissionFlagsBits.ManageGuild }],
        members: [
          ...NAMES.map((username) => ({
            user: { username },
            joinedAt,
            roles: username === 'alice' ? ['900000000000000001'] : [],
          })),
          { user: { username: 'founder' }, joinedAt },
        ],
      },
    ],
  });
  const guild = fake.guilds[0]!;
  // The owner has every permission on Discord; make it someone who never acts, so roles decide.
  guild.owner_id = guild.members.find((m) => m.user.username === 'founder')!.user.id;
  const locked = guild.channels.find((c) => c.name === 'locked')!;
  denyBot(locked, fake.bot.id);
  const ids = Object.fromEntries(
    NAMES.map((n) => [n, guild.members.find((m) => m.user.username === n)!.user.id]),
  ) as Record<Name, string>;
  return { fake, token, guildId: guild.id, tasksId: guild.channels[0]!.id, ids };
}

/** Takes Send Messages in a channel away from the bot (as an admin's channel overwrite would). */
export function denyBot(channel: { permission_overwrites?: APIOverwrite[] }, botId: string): void {
  channel.permission_overwrites = [
    ...(channel.permission_overwrites ?? []),
    { id: botId, type: OverwriteType.Member, allow: '0', deny: String(PermissionFlagsBits.SendMessages) },
  ];
}

/** Ostrom's side: one core and one adapter on a database. */
export interface Bot {
  /** The bot's database (SQLite or PostgreSQL, as the vitest project runs). */
  db: TestDb;
  core: Governance;
  clock: TestClock;
  adapter: DiscordAdapter;
  /** Every log line the adapter wrote (JSON, level debug and up). */
  logs: string[];
  stop(): Promise<void>;
}

export async function startBot(
  world: World,
  opts: {
    /** An SQLite file (ignored on PostgreSQL, where each bot gets a new database). */
    dbPath?: string;
    /** A database to open again: an earlier bot's `db.location()` (a restart). */
    at?: string;
    clock?: TestClock;
  } = {},
): Promise<Bot> {
  const db = testDb({ path: opts.dbPath, at: opts.at });
  const clock = opts.clock ?? new TestClock(Date.now());
  const core = new Governance(db.storage, clock);
  const logs: string[] = [];
  // The production logger, so the redaction the tests check is the one that runs.
  const log = createLogger('debug', { write: (line: string) => void logs.push(line) });
  const adapter = new DiscordAdapter({
    core,
    log,
    token: world.token,
    appId: world.fake.applicationId,
    guildId: world.guildId,
    apiUrl: world.fake.restUrl,
  });
  await adapter.start();
  let stopped = false;
  return {
    db,
    core,
    clock,
    adapter,
    logs,
    async stop() {
      if (stopped) return;
      stopped = true;
      await adapter.stop();
      await db.storage.close();
    },
  };
}

/**
 * The next successful call (2xx, after those already made) to `method` + `path`; failed attempts that
 * discord.js retries are skipped. Create it before acting.
 */
export function nextCall(
  fake: FakeDiscord,
  method: string,
  path: RegExp | string,
  timeoutMs = 5000,
): Promise<RecordedCall> {
  const re = typeof path === 'string' ? new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) : path;
  const waiting = new Promise<RecordedCall>((resolve, reject) => {
    const timer = setTimeout(() => {
      fake.events.off('request', onCall);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for a successful ${method} ${String(path)}`));
    }, timeoutMs);
    const onCall = (call: RecordedCall) => {
      if (call.method !== method || !re.test(call.path) || call.status >= 300) return;
      clearTimeout(timer);
      fake.events.off('request', onCall);
      resolve(call);
    };
    fake.events.on('request', onCall);
  });
  // A test that fails before awaiting this must not also report an unhandled rejection.
  waiting.catch(() => undefined);
  return waiting;
}

/** Shortcuts for acting as members and reading what the bot sent. */
export class Actions {
  constructor(readonly w: World) {}

  get fake(): FakeDiscord {
    return this.w.fake;
  }

  /** `/name [sub] options…` by `user` in #tasks; resolves with the interaction callback. */
  async command(user: Name, name: string, sub?: string, options?: OptionsInput) {
    const interaction = this.fake.interaction.chatInput({
      name,
      ...(sub ? { subcommand: sub } : {}),
      ...(options ? { options } : {}),
      user: this.w.ids[user],
      channelId: this.w.tasksId,
    });
    const callback = this.callbackOf(interaction);
    this.fake.dispatch(GatewayDispatchEvents.InteractionCreate, interaction);
    return { interaction, callback: await callback };
  }

  /** Clicks a card button; resolves with the interaction callback. */
  async button(user: Name, customId: string, message: APIMessage) {
    const interaction = this.fake.interaction.button({
      customId,
      message,
      user: this.w.ids[user],
      channelId: message.channel_id,
    });
    const callback = this.callbackOf(interaction);
    this.fake.dispatch(GatewayDispatchEvents.InteractionCreate, interaction);
    return { interaction, callback: await callback };
  }

  callbackOf(i: { id: string; token: string }): Promise<RecordedCall> {
    return this.fake.waitForCall('POST', `/interactions/${i.id}/${i.token}/callback`);
  }

  react(user: Name, message: APIMessage, emoji: string): void {
    const data = { channelId: message.channel_id, messageId: message.id, userId: this.w.ids[user], emoji };
    this.fake.dispatch(GatewayDispatchEvents.MessageReactionAdd, this.fake.reactionAdd(data));
  }

  unreact(user: Name, message: APIMessage, emoji: string): void {
    const data = { channelId: message.channel_id, messageId: message.id, userId: this.w.ids[user], emoji };
    this.fake.dispatch(GatewayDispatchEvents.MessageReactionRemove, this.fake.reactionRemove(data));
  }

  /** `/task post` by `by`; resolves with the card message and the task's number. */
  async postTask(by: Name, title: string): Promise<{ card: APIMessage; n: number }> {
    const post = this.nextPost();
    const { callback } = await this.command(by, 'task', 'post', { title });
    if (replyOf(callback).flags !== MessageFlags.Ephemeral) throw new Error('the /task post reply is public');
    const call = await post;
    const n = Number(/^Task #(\d+) · /.exec(embedOf(call).title ?? '')?.[1]);
    if (embedOf(call).title !== `Task #${n} · ${plain(title)}`)
      throw new Error(`unexpected card ${embedOf(call).title}`);
    return { card: messageOf(call), n };
  }

  /** `/task claim` and `/task submit` by `who`; resolves with the review card once its ✅ ❌ are on. */
  async claimAndSubmit(who: Name, n: number): Promise<APIMessage> {
    await this.command(who, 'task', 'claim', { task: n });
    const review = this.nextPost();
    await this.command(who, 'task', 'submit', { task: n, link: `https://example.org/pr/${n}` });
    const card = messageOf(await review);
    const seeds = new RegExp(`^/channels/${card.channel_id}/messages/${card.id}/reactions/.+/@me$`);
    await this.fake.waitForCall('PUT', seeds, 2);
    return card;
  }

  /** The next message the bot posts in a channel (a card, a notice). */
  nextPost(channelId = this.w.tasksId, timeoutMs?: number): Promise<RecordedCall> {
    return nextCall(this.fake, 'POST', `/channels/${channelId}/messages`, timeoutMs);
  }

  /** The next edit of one message. */
  nextEdit(message: APIMessage, timeoutMs?: number): Promise<RecordedCall> {
    return nextCall(this.fake, 'PATCH', `/channels/${message.channel_id}/messages/${message.id}`, timeoutMs);
  }

  /**
   * Resolves once every interaction dispatched before has been taken up: the adapter reaches the core
   * for each without waiting, and the gateway keeps order, so a later `/help` is answered after them.
   */
  async settle(): Promise<void> {
    await this.command('erin', 'help');
  }
}

/** Resolves once the bot has handed every reaction it was sent to the core (see `drainedQueue`). */
export function drained(bot: Bot): Promise<void> {
  return drainedQueue(bot.adapter);
}

/** The vote marks on task `n`'s submission, as `name source`; one reader for both platforms' tests. */
export { reviewMarks } from './slack-reads.js';

/**
 * The `allowed_mentions` of every message the bot sent or edited: channel messages, and interaction
 * replies (autocomplete choices and forms are not messages).
 */
export function mentionSettings(fake: FakeDiscord): unknown[] {
  const message = /^\/channels\/\d+\/messages(\/\d+)?$/;
  const callback = /^\/interactions\/\d+\/[^/]+\/callback$/;
  const notMessages: number[] = [
    InteractionResponseType.ApplicationCommandAutocompleteResult,
    InteractionResponseType.Modal,
  ];
  return fake.calls.flatMap((c) => {
    if (['POST', 'PATCH'].includes(c.method) && message.test(c.path))
      return [(c.body as { allowed_mentions?: unknown }).allowed_mentions];
    if (c.method !== 'POST' || !callback.test(c.path)) return [];
    const body = c.body as RESTPostAPIInteractionCallbackJSONBody;
    if (notMessages.includes(body.type)) return [];
    return [('data' in body ? (body.data as { allowed_mentions?: unknown }) : {})?.allowed_mentions];
  });
}

/** The message the bot created with a recorded POST. */
export function messageOf(call: RecordedCall): APIMessage {
  expectStatus(call, 200);
  return call.response as APIMessage;
}

/** The first embed of a recorded message POST or PATCH. */
export function embedOf(call: RecordedCall): APIEmbed {
  const body = call.body as RESTPostAPIChannelMessageJSONBody | RESTPatchAPIChannelMessageJSONBody;
  const embed = body.embeds?.[0];
  if (!embed) throw new Error(`${call.method} ${call.path} has no embed`);
  return embed;
}

export function fieldOf(embed: APIEmbed, name: string): string | undefined {
  return embed.fields?.find((f) => f.name === name)?.value;
}

/** The custom ids of every button on a recorded message POST or PATCH. */
export function buttonsOf(call: RecordedCall): string[] {
  const body = call.body as RESTPostAPIChannelMessageJSONBody;
  return (body.components ?? []).flatMap((row) =>
    'components' in row ? row.components.flatMap((c) => ('custom_id' in c ? [c.custom_id] : [])) : [],
  );
}

/** The message data of an interaction callback (type 4 reply). */
export function replyOf(call: RecordedCall) {
  const body = call.body as RESTPostAPIInteractionCallbackJSONBody;
  if (!('data' in body) || !body.data || !('content' in body.data || 'embeds' in body.data)) {
    throw new Error(`callback of type ${body.type} has no message data`);
  }
  return { type: body.type, ...(body.data as RESTPostAPIChannelMessageJSONBody & { flags?: number }) };
}

function expectStatus(call: RecordedCall, status: number): void {
  if (call.status !== status)
    throw new Error(`${call.method} ${call.path} answered ${call.status}: ${JSON.stringify(call.response)}`);
}

/** The fake, the bot on it, and the actions of its members: what one test file shares. */
export interface Stage {
  w: World;
  bot: Bot;
  act: Actions;
}

/** Starts the fake and the real adapter for a test file. */
export async function startStage(): Promise<Stage> {
  const w = await startWorld();
  const bot = await startBot(w);
  return { w, bot, act: new Actions(w) };
}

/** Stops what `startStage` started (tolerates a stage that failed half-way). */
export async function stopStage(s: Partial<Stage>): Promise<void> {
  await s.bot?.stop();
  await s.w?.fake.close();
}
