/** Discord interactions and reactions → core input. */
import {
  ApplicationCommandOptionType,
  ChannelType,
  PermissionFlagsBits,
  type Guild,
  type ChatInputCommandInteraction,
  type CommandInteractionOption,
  type GuildMember,
  type Interaction,
  type User,
} from 'discord.js';
import {
  isCommandName,
  type Actor,
  type ChannelInfo,
  type CommunityRef,
  type NamedCommand,
} from '../../src/core/index.js';

export function communityOf(guildId: string): CommunityRef {
  return { platform: 'discord', id: guildId };
}

export function actorOfInteraction(i: Interaction): Actor {
  const member = i.member && 'joinedTimestamp' in i.member ? (i.member as GuildMember) : undefined;
  return {
    userId: i.user.id,
    name: member?.displayName ?? i.user.globalName ?? i.user.username,
    isBot: i.user.bot,
    isAdmin: i.memberPermissions?.has(PermissionFlagsBits.ManageGuild) ?? false,
    joinedAt: member?.joinedTimestamp ?? undefined,
  };
}

export function actorOfUser(user: User, member?: GuildMember | null): Actor {
  return {
    userId: user.id,
    name: member?.displayName ?? user.globalName ?? user.username ?? user.id,
    isBot: user.bot ?? false,
    joinedAt: member?.joinedTimestamp ?? undefined,
  };
}

function valueOf(o: CommandInteractionOption): unknown {
  if (o.type === ApplicationCommandOptionType.User) return o.user?.id ?? o.value;
  if (o.type === ApplicationCommandOptionType.Channel) return o.channel?.id ?? o.value;
  return o.value;
}

/** The command name (`task post`) and its typed options, for the core to validate. */
export function commandOf(i: ChatInputCommandInteraction): NamedCommand {
  const sub = i.options.getSubcommand(false);
  const name = sub ? `${i.commandName} ${sub}` : i.commandName;
  const data = sub ? (i.options.data[0]?.options ?? []) : i.options.data;
  const values = Object.fromEntries(data.map((o) => [o.name, valueOf(o)]));
  // Ostrom registered every command it is sent: another name is a registration gone wrong, a bug.
  if (!isCommandName(name)) throw new Error(`unknown Discord command ${name}`);
  return { name, options: values };
}

/** What a card channel needs: Ostrom posts embeds there and members react on them. */
const CARD_PERMISSIONS = [
  PermissionFlagsBits.ViewChannel,
  PermissionFlagsBits.SendMessages,
  PermissionFlagsBits.EmbedLinks,
  PermissionFlagsBits.AddReactions,
];

/** The guild's text channels the bot can post cards in: the only valid values of channel rules. */
export async function postableChannels(guild: Guild): Promise<ChannelInfo[]> {
  const me = guild.members.me ?? (await guild.members.fetchMe().catch(() => null));
  const out: ChannelInfo[] = [];
  for (const c of guild.channels.cache.values()) {
    if (c.type !== ChannelType.GuildText && c.type !== ChannelType.GuildAnnouncement) continue;
    if (me && !c.permissionsFor(me).has(CARD_PERMISSIONS)) continue;
    out.push({ id: c.id, name: c.name });
  }
  return out;
}
