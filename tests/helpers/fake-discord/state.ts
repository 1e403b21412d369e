/**
 * In-memory state of the fake Discord: users, guilds, channels, messages, reactions, interactions and
 * application commands. Pure data, no I/O; the REST and gateway layers read and write it.
 */
import { ChannelType } from 'discord-api-types/v10';
import type {
  APIApplicationCommand,
  APIChannel,
  APIDMChannel,
  ChannelFlags,
  APIInteraction,
  APIMessage,
  APIPartialEmoji,
  APIReaction,
  APIThreadChannel,
  APIUser,
  RESTPostAPIInteractionCallbackJSONBody,
} from 'discord-api-types/v10';

import { buildMember, buildUser, type FakeGuild, type FakeUserInput } from './entities.js';
import { compareSnowflakes, SnowflakeGenerator } from './snowflake.js';

/** An emoji as tests may give it: `'👍'`, `'name:123'`, `'a:name:123'`, or an emoji object. */
export type EmojiInput = string | { id?: string | null; name?: string | null; animated?: boolean };

export interface ReactionEntry {
  emoji: APIPartialEmoji;
  /** User ids in the order they reacted. */
  userIds: string[];
}

export interface InteractionRecord {
  interaction: APIInteraction;
  /** Every callback body posted for this interaction (a second one is rejected, but still recorded). */
  callbacks: RESTPostAPIInteractionCallbackJSONBody[];
  acknowledged: boolean;
}

export function parseEmoji(input: EmojiInput): { key: string; emoji: APIPartialEmoji } {
  if (typeof input !== 'string') {
    const emoji: APIPartialEmoji = { id: input.id ?? null, name: input.name ?? null };
    if (input.animated !== undefined) emoji.animated = input.animated;
    return { key: emoji.id ?? emoji.name ?? '', emoji };
  }
  const custom = /^(a:)?([^:]*):(\d+)$/.exec(input);
  if (custom) {
    const [, animated, name, id] = custom;
    return {
      key: id ?? '',
      emoji: {
        id: id ?? null,
        name: name === '' || name === undefined ? null : name,
        animated: Boolean(animated),
      },
    };
  }
  return { key: input, emoji: { id: null, name: input } };
}

export class FakeStore {
  readonly ids = new SnowflakeGenerator();
  readonly users = new Map<string, APIUser>();
  readonly guilds = new Map<string, FakeGuild>();
  /** Every channel by id: guild channels (same objects as in `guild.channels`), threads and DMs. */
  readonly channels = new Map<string, APIChannel>();
  /** channelId → messageId → message. */
  readonly messages = new Map<string, Map<string, APIMessage>>();
  /** `${channelId}/${messageId}` → emoji key → entry. */
  readonly reactions = new Map<string, Map<string, ReactionEntry>>();
  /** Interactions by token. */
  readonly interactions = new Map<string, InteractionRecord>();
  globalCommands: APIApplicationCommand[] = [];
  readonly guildCommands = new Map<string, APIApplicationCommand[]>();

  constructor(
    public bot: APIUser,
    public readonly applicationId: string,
  ) {
    this.users.set(bot.id, bot);
  }

  /** Returns the stored user for an input (by id), creating it when unknown. */
  user(input: FakeUserInput | string): APIUser {
    const id = typeof input === 'string' ? input : (input.id ?? this.ids.next());
    const known = this.users.get(id);
    if (known && typeof input !== 'string') Object.assign(known, input, { id });
    if (known) return known;
    const created = buildUser(id, typeof input === 'string' ? {} : input);
    this.users.set(id, created);
    return created;
  }

  addGuild(guild: FakeGuild): void {
    this.guilds.set(guild.id, guild);
    for (const channel of guild.channels) this.channels.set(channel.id, channel);
    for (const thread of guild.threads) this.channels.set(thread.id, thread);
    for (const member of guild.members) this.users.set(member.user.id, member.user);
  }

  guildOfChannel(channelId: string): FakeGuild | undefined {
    const channel = this.channels.get(channelId);
    const guildId = channel && 'guild_id' in channel ? channel.guild_id : undefined;
    return guildId ? this.guilds.get(guildId) : undefined;
  }

  /** The member record of a user in a guild, adding the user as a member (no roles) when missing. */
  ensureMember(guild: FakeGuild, user: APIUser) {
    let member = guild.members.find((m) => m.user.id === user.id);
    if (!member) {
      member = buildMember(user, []);
      guild.members.push(member);
      guild.member_count = guild.members.length;
    }
    return member;
  }

  ensureDmChannel(user: APIUser): APIDMChannel {
    for (const channel of this.channels.values()) {
      if (channel.type === ChannelType.DM && channel.recipients?.some((r) => r.id === user.id))
        return channel;
    }
    const dm: APIDMChannel = {
      id: this.ids.next(),
      type: ChannelType.DM,
      last_message_id: null,
      recipients: [user],
      flags: 0 as ChannelFlags,
      name: null,
    };
    this.channels.set(dm.id, dm);
    return dm;
  }

  addThread(guild: FakeGuild, thread: APIThreadChannel): void {
    guild.threads.push(thread as FakeGuild['threads'][number]);
    this.channels.set(thread.id, thread);
  }

  channelMessages(channelId: string): Map<string, APIMessage> {
    let map = this.messages.get(channelId);
    if (!map) {
      map = new Map();
      this.messages.set(channelId, map);
    }
    return map;
  }

  putMessage(message: APIMessage): APIMessage {
    this.channelMessages(message.channel_id).set(message.id, message);
    const channel = this.channels.get(message.channel_id);
    if (channel && 'last_message_id' in channel) channel.last_message_id = message.id;
    if (channel && 'message_count' in channel && channel.message_count !== undefined) {
      channel.message_count += 1;
      if (channel.total_message_sent !== undefined) channel.total_message_sent += 1;
    }
    return message;
  }

  getMessage(channelId: string, messageId: string): APIMessage | undefined {
    return this.messages.get(channelId)?.get(messageId);
  }

  /** Messages of a channel, oldest first. */
  listMessages(channelId: string): APIMessage[] {
    return [...(this.messages.get(channelId)?.values() ?? [])].sort((a, b) => compareSnowflakes(a.id, b.id));
  }

  private reactionMap(channelId: string, messageId: string): Map<string, ReactionEntry> {
    const key = `${channelId}/${messageId}`;
    let map = this.reactions.get(key);
    if (!map) {
      map = new Map();
      this.reactions.set(key, map);
    }
    return map;
  }

  setReactions(channelId: string, messageId: string, emoji: EmojiInput, userIds: string[]): void {
    const { key, emoji: parsed } = parseEmoji(emoji);
    const map = this.reactionMap(channelId, messageId);
    if (userIds.length === 0) map.delete(key);
    else map.set(key, { emoji: parsed, userIds: [...new Set(userIds)] });
  }

  /** Adds a reaction; returns false when the user had already reacted with that emoji. */
  addReaction(channelId: string, messageId: string, emoji: EmojiInput, userId: string): boolean {
    const { key, emoji: parsed } = parseEmoji(emoji);
    const map = this.reactionMap(channelId, messageId);
    const entry = map.get(key) ?? { emoji: parsed, userIds: [] };
    map.set(key, entry);
    if (entry.userIds.includes(userId)) return false;
    entry.userIds.push(userId);
    return true;
  }

  removeReaction(channelId: string, messageId: string, emoji: EmojiInput, userId?: string): boolean {
    const { key } = parseEmoji(emoji);
    const map = this.reactionMap(channelId, messageId);
    const entry = map.get(key);
    if (!entry) return false;
    if (userId === undefined) {
      map.delete(key);
      return true;
    }
    const before = entry.userIds.length;
    entry.userIds = entry.userIds.filter((id) => id !== userId);
    if (entry.userIds.length === 0) map.delete(key);
    return entry.userIds.length !== before;
  }

  clearReactions(channelId: string, messageId: string): void {
    this.reactions.delete(`${channelId}/${messageId}`);
  }

  reactionUsers(channelId: string, messageId: string, emoji: EmojiInput): string[] {
    return [...(this.reactions.get(`${channelId}/${messageId}`)?.get(parseEmoji(emoji).key)?.userIds ?? [])];
  }

  /** The `reactions` array of a message as REST returns it. */
  reactionSummary(channelId: string, messageId: string): APIReaction[] {
    const map = this.reactions.get(`${channelId}/${messageId}`);
    if (!map) return [];
    return [...map.values()]
      .filter((entry) => entry.userIds.length > 0)
      .map((entry) => ({
        emoji: entry.emoji,
        count: entry.userIds.length,
        count_details: { burst: 0, normal: entry.userIds.length },
        me: entry.userIds.includes(this.bot.id),
        me_burst: false,
        burst_colors: [],
      }));
  }

  /** A message with its current reactions, as GET /channels/:id/messages/:id answers. */
  messageWithReactions(message: APIMessage): APIMessage {
    const reactions = this.reactionSummary(message.channel_id, message.id);
    const copy: APIMessage = { ...message };
    if (reactions.length > 0) copy.reactions = reactions;
    else delete copy.reactions;
    return copy;
  }

  registerInteraction(interaction: APIInteraction): InteractionRecord {
    const existing = this.interactions.get(interaction.token);
    if (existing) return existing;
    const record: InteractionRecord = { interaction, callbacks: [], acknowledged: false };
    this.interactions.set(interaction.token, record);
    return record;
  }
}
