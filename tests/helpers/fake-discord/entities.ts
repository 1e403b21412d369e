/**
 * Builders for complete Discord API objects (users, roles, members, channels, guilds, messages), typed with
 * discord-api-types so that whatever the fake serves has the shape the real API has.
 */
import {
  ChannelType,
  GuildDefaultMessageNotifications,
  GuildExplicitContentFilter,
  GuildMFALevel,
  GuildNSFWLevel,
  GuildPremiumTier,
  GuildSystemChannelFlags,
  GuildVerificationLevel,
  Locale,
  MessageType,
  PermissionFlagsBits,
  ThreadAutoArchiveDuration,
} from 'discord-api-types/v10';
import type {
  APIAttachment,
  APIEmbed,
  APIGuild,
  APIGuildMember,
  APIMessage,
  APIOverwrite,
  APIRole,
  APIThreadChannel,
  APIUser,
  ChannelFlags,
  GatewayGuildCreateDispatchData,
  GuildMemberFlags,
  RoleFlags,
} from 'discord-api-types/v10';

import type { SnowflakeGenerator } from './snowflake.js';

/** A channel as it appears in GUILD_CREATE (any non-thread guild channel). */
export type FakeGuildChannel = GatewayGuildCreateDispatchData['channels'][number];

export type FakeGuildChannelType =
  ChannelType.GuildText | ChannelType.GuildAnnouncement | ChannelType.GuildVoice;

export interface FakeUserInput extends Partial<APIUser> {
  username?: string;
}

export interface FakeRoleInput {
  id?: string;
  name: string;
  /** Permission bits (bigint, or the decimal string Discord uses). */
  permissions?: bigint | string;
  managed?: boolean;
}

export interface FakeMemberInput {
  user: FakeUserInput;
  /** Role ids (not including @everyone, which every member has implicitly). */
  roles?: string[];
  joinedAt?: string;
}

export interface FakeChannelInput {
  id?: string;
  name: string;
  type?: FakeGuildChannelType;
  permissionOverwrites?: APIOverwrite[];
}

export interface FakeGuildInput {
  id?: string;
  name?: string;
  channels?: FakeChannelInput[];
  roles?: FakeRoleInput[];
  members?: FakeMemberInput[];
}

/** Permissions a fresh Discord server gives @everyone (a sensible subset). */
export const DEFAULT_EVERYONE_PERMISSIONS =
  PermissionFlagsBits.ViewChannel |
  PermissionFlagsBits.SendMessages |
  PermissionFlagsBits.SendMessagesInThreads |
  PermissionFlagsBits.CreatePublicThreads |
  PermissionFlagsBits.EmbedLinks |
  PermissionFlagsBits.AttachFiles |
  PermissionFlagsBits.AddReactions |
  PermissionFlagsBits.UseExternalEmojis |
  PermissionFlagsBits.ReadMessageHistory |
  PermissionFlagsBits.UseApplicationCommands |
  PermissionFlagsBits.ChangeNickname |
  PermissionFlagsBits.Connect |
  PermissionFlagsBits.Speak;

/** What a bot typically gets when invited with a reasonable permission set (no Administrator). */
export const DEFAULT_BOT_PERMISSIONS =
  DEFAULT_EVERYONE_PERMISSIONS |
  PermissionFlagsBits.ManageMessages |
  PermissionFlagsBits.ManageThreads |
  PermissionFlagsBits.ManageRoles |
  PermissionFlagsBits.MentionEveryone;

export function permissionsString(value: bigint | string | undefined, fallback: bigint): string {
  if (value === undefined) return fallback.toString();
  return typeof value === 'bigint' ? value.toString() : BigInt(value).toString();
}

export function buildUser(id: string, input: FakeUserInput = {}): APIUser {
  return {
    username: `user${id.slice(-5)}`,
    discriminator: '0',
    global_name: null,
    avatar: null,
    ...input,
    id,
  };
}

export function buildRole(id: string, input: FakeRoleInput, position: number): APIRole {
  return {
    id,
    name: input.name,
    color: 0,
    colors: { primary_color: 0, secondary_color: null, tertiary_color: null },
    hoist: false,
    icon: null,
    unicode_emoji: null,
    position,
    permissions: permissionsString(input.permissions, 0n),
    managed: input.managed ?? false,
    mentionable: false,
    flags: 0 as RoleFlags,
  };
}

export function buildMember(
  user: APIUser,
  roles: string[],
  extra: Partial<APIGuildMember> = {},
): APIGuildMember {
  return {
    user,
    nick: null,
    avatar: null,
    banner: null,
    roles,
    joined_at: new Date().toISOString(),
    premium_since: null,
    deaf: false,
    mute: false,
    flags: 0 as GuildMemberFlags,
    pending: false,
    communication_disabled_until: null,
    ...extra,
  };
}

export function buildGuildChannel(
  id: string,
  guildId: string,
  input: FakeChannelInput,
  position: number,
): FakeGuildChannel {
  const common = {
    id,
    guild_id: guildId,
    name: input.name,
    position,
    permission_overwrites: input.permissionOverwrites ?? [],
    nsfw: false,
    parent_id: null,
    flags: 0 as ChannelFlags,
  };
  const type = input.type ?? ChannelType.GuildText;
  switch (type) {
    case ChannelType.GuildVoice:
      return {
        ...common,
        type,
        bitrate: 64_000,
        user_limit: 0,
        rtc_region: null,
        last_message_id: null,
        rate_limit_per_user: 0,
      };
    case ChannelType.GuildAnnouncement:
    case ChannelType.GuildText:
      return {
        ...common,
        type,
        topic: null,
        last_message_id: null,
        rate_limit_per_user: 0,
        default_auto_archive_duration: ThreadAutoArchiveDuration.OneDay,
      };
  }
}

export function buildThread(init: {
  id: string;
  guildId: string;
  parentId: string;
  ownerId: string;
  name: string;
  type?: ChannelType.PublicThread | ChannelType.AnnouncementThread;
  autoArchiveDuration?: ThreadAutoArchiveDuration;
}): APIThreadChannel {
  return {
    id: init.id,
    type: init.type ?? ChannelType.PublicThread,
    guild_id: init.guildId,
    parent_id: init.parentId,
    owner_id: init.ownerId,
    name: init.name,
    nsfw: false,
    last_message_id: null,
    rate_limit_per_user: 0,
    message_count: 0,
    member_count: 1,
    total_message_sent: 0,
    flags: 0 as ChannelFlags,
    applied_tags: [],
    thread_metadata: {
      archived: false,
      auto_archive_duration: init.autoArchiveDuration ?? ThreadAutoArchiveDuration.OneDay,
      archive_timestamp: new Date().toISOString(),
      locked: false,
      create_timestamp: new Date().toISOString(),
    },
  };
}

/** Everything the fake keeps about a guild: the GUILD_CREATE payload is the single source of truth. */
export type FakeGuild = GatewayGuildCreateDispatchData;

export function buildGuild(
  ids: SnowflakeGenerator,
  input: FakeGuildInput,
  bot: APIUser,
  resolveUser: (input: FakeUserInput) => APIUser,
): FakeGuild {
  const id = input.id ?? ids.next();
  const everyone = buildRole(
    id,
    {
      name: '@everyone',
      permissions: DEFAULT_EVERYONE_PERMISSIONS.toString(),
    },
    0,
  );
  const botRole = buildRole(
    ids.next(),
    {
      name: bot.username,
      permissions: DEFAULT_BOT_PERMISSIONS.toString(),
      managed: true,
    },
    1,
  );
  botRole.tags = { bot_id: bot.id };
  const roles = [
    everyone,
    botRole,
    ...(input.roles ?? []).map((r, i) => buildRole(r.id ?? ids.next(), r, i + 2)),
  ];

  const members = [
    buildMember(bot, [botRole.id]),
    ...(input.members ?? []).map((m) => {
      const extra: Partial<APIGuildMember> = m.joinedAt !== undefined ? { joined_at: m.joinedAt } : {};
      return buildMember(resolveUser(m.user), m.roles ?? [], extra);
    }),
  ];
  const channelInputs = input.channels ?? [{ name: 'general' }];
  const channels = channelInputs.map((c, i) => buildGuildChannel(c.id ?? ids.next(), id, c, i));
  const firstText = channels.find((c) => c.type === ChannelType.GuildText);
  // The first member that is not the bot owns the guild (tests may reassign it).
  const ownerId = members[1]?.user.id ?? bot.id;

  const guild: APIGuild = {
    id,
    name: input.name ?? 'Fake Guild',
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: GuildVerificationLevel.Low,
    default_message_notifications: GuildDefaultMessageNotifications.OnlyMentions,
    explicit_content_filter: GuildExplicitContentFilter.AllMembers,
    roles,
    emojis: [],
    features: [],
    mfa_level: GuildMFALevel.None,
    application_id: null,
    system_channel_id: firstText?.id ?? null,
    system_channel_flags: GuildSystemChannelFlags.SuppressJoinNotificationReplies,
    rules_channel_id: null,
    vanity_url_code: null,
    description: null,
    banner: null,
    premium_tier: GuildPremiumTier.None,
    premium_subscription_count: 0,
    preferred_locale: Locale.EnglishUS,
    public_updates_channel_id: null,
    nsfw_level: GuildNSFWLevel.Default,
    premium_progress_bar_enabled: false,
    hub_type: null,
    safety_alerts_channel_id: null,
    stickers: [],
    widget_enabled: false,
    widget_channel_id: null,
    max_members: 500_000,
    max_video_channel_users: 25,
    incidents_data: null,
  };
  return {
    ...guild,
    joined_at: new Date().toISOString(),
    large: false,
    unavailable: false,
    member_count: members.length,
    voice_states: [],
    members,
    channels,
    threads: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
  };
}

/** Base permissions of a member in a guild (no channel overwrites), as Discord computes them. */
export function memberPermissions(guild: FakeGuild, userId: string): bigint {
  if (guild.owner_id === userId) return allPermissions();
  const member = guild.members.find((m) => m.user.id === userId);
  let bits = BigInt(guild.roles.find((r) => r.id === guild.id)?.permissions ?? '0');
  for (const roleId of member?.roles ?? []) {
    const role = guild.roles.find((r) => r.id === roleId);
    if (role) bits |= BigInt(role.permissions);
  }
  if ((bits & PermissionFlagsBits.Administrator) !== 0n) return allPermissions();
  return bits;
}

export function allPermissions(): bigint {
  return Object.values(PermissionFlagsBits).reduce((acc, bit) => acc | bit, 0n);
}

export interface BuildMessageInit {
  id: string;
  channelId: string;
  author: APIUser;
  content?: string;
  embeds?: APIEmbed[];
  attachments?: APIAttachment[];
  components?: APIMessage['components'];
  flags?: number;
  type?: MessageType;
  webhookId?: string;
  applicationId?: string;
  messageReference?: APIMessage['message_reference'];
  tts?: boolean;
  timestamp?: string;
  mentions?: APIUser[];
  mentionRoles?: string[];
  mentionEveryone?: boolean;
}

export function buildMessage(init: BuildMessageInit): APIMessage {
  const message: APIMessage = {
    id: init.id,
    channel_id: init.channelId,
    author: init.author,
    content: init.content ?? '',
    timestamp: init.timestamp ?? new Date().toISOString(),
    edited_timestamp: null,
    tts: init.tts ?? false,
    mention_everyone: init.mentionEveryone ?? false,
    mentions: init.mentions ?? [],
    mention_roles: init.mentionRoles ?? [],
    attachments: init.attachments ?? [],
    embeds: init.embeds ?? [],
    pinned: false,
    type: init.type ?? (init.messageReference ? MessageType.Reply : MessageType.Default),
    flags: init.flags ?? 0,
    components: init.components ?? [],
  };
  if (init.webhookId !== undefined) message.webhook_id = init.webhookId;
  if (init.applicationId !== undefined) message.application_id = init.applicationId;
  if (init.messageReference !== undefined) message.message_reference = init.messageReference;
  return message;
}
