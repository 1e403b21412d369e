/** Discord's permission arithmetic for the fake (base permissions + channel overwrites). */
import { ChannelType, PermissionFlagsBits } from 'discord-api-types/v10';
import type { APIChannel, APIThreadChannel } from 'discord-api-types/v10';

import { memberPermissions } from './entities.js';
import type { FakeStore } from './state.js';

/** Channel permissions of a user: base guild permissions plus overwrites (threads use their parent). */
export function channelPermissions(store: FakeStore, channelId: string, userId: string): bigint {
  const guild = store.guildOfChannel(channelId);
  if (!guild)
    return (
      PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.AddReactions
    );
  let channel = store.channels.get(channelId);
  if (channel && 'parent_id' in channel && isThread(channel) && channel.parent_id) {
    channel = store.channels.get(channel.parent_id) ?? channel;
  }
  let bits = memberPermissions(guild, userId);
  if ((bits & PermissionFlagsBits.Administrator) !== 0n) return bits;
  const overwrites =
    channel && 'permission_overwrites' in channel ? (channel.permission_overwrites ?? []) : [];
  const member = guild.members.find((m) => m.user.id === userId);
  const apply = (o: { allow: string; deny: string } | undefined) => {
    if (o) bits = (bits & ~BigInt(o.deny)) | BigInt(o.allow);
  };
  apply(overwrites.find((o) => o.id === guild.id));
  let roleAllow = 0n;
  let roleDeny = 0n;
  for (const o of overwrites) {
    if (o.id !== guild.id && member?.roles.includes(o.id)) {
      roleAllow |= BigInt(o.allow);
      roleDeny |= BigInt(o.deny);
    }
  }
  bits = (bits & ~roleDeny) | roleAllow;
  apply(overwrites.find((o) => o.id === userId));
  return bits;
}

export function isThread(channel: APIChannel): channel is APIThreadChannel {
  return (
    channel.type === ChannelType.PublicThread ||
    channel.type === ChannelType.PrivateThread ||
    channel.type === ChannelType.AnnouncementThread
  );
}

export function has(bits: bigint, ...flags: bigint[]): boolean {
  return flags.every((f) => (bits & f) === f);
}
