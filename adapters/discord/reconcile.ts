/** After a fresh gateway session: make every open vote card's votes equal to its reactions now. */
import type { Client, Guild } from 'discord.js';
import type { Governance, PresentReaction } from '../../src/core/index.js';
import { voteOf } from './emoji.js';
import { actorOfUser, communityOf } from './inbound.js';
import type { DiscordOutbound } from './outbound.js';

export async function reconcileGuild(
  client: Client,
  core: Governance,
  out: DiscordOutbound,
  guild: Guild,
): Promise<number> {
  const community = communityOf(guild.id);
  let synced = 0;
  for (const card of await core.openVoteCards(community)) {
    const channel = await client.channels.fetch(card.channelId).catch(() => null);
    if (!channel?.isTextBased()) continue;
    // Always from Discord: after a reconnect the cached copy misses the reactions made while away.
    const message = await channel.messages.fetch({ message: card.messageId, force: true }).catch(() => null);
    if (!message) continue;
    const present: PresentReaction[] = [];
    for (const reaction of message.reactions.cache.values()) {
      const vote = voteOf(reaction.emoji);
      if (!vote) continue;
      let after: string | undefined;
      for (;;) {
        const users = await reaction.users.fetch({ limit: 100, after });
        for (const user of users.values())
          present.push({ actor: actorOfUser(user, guild.members.cache.get(user.id)), ...vote });
        if (users.size < 100) break;
        after = users.lastKey();
      }
    }
    const outcome = await core.handle({
      type: 'reactions-sync',
      community,
      message: { channelId: card.channelId, messageId: card.messageId },
      present,
    });
    await out.perform(outcome);
    synced++;
  }
  return synced;
}
