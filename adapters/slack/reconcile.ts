/** At start: make every open vote card's votes equal to its reactions on Slack now. */
import { voteOfEmoji, type Governance, type PresentReaction } from '../../src/core/index.js';
import type { Logger } from '../../src/log.js';
import type { Members } from './inbound.js';
import type { SlackOutbound } from './outbound.js';
import type { Workspace } from './workspaces.js';

/**
 * Reads each open review and proposal card with `reactions.get` (all users) and hands the voting
 * reactions to the core, so votes cast or withdrawn while Ostrom was down count. Returns the cards synced.
 */
export async function reconcileCards(
  { client, community, botUserId }: Workspace,
  core: Governance,
  out: SlackOutbound,
  members: Members,
  log: Logger,
): Promise<number> {
  let synced = 0;
  for (const card of await core.openVoteCards(community)) {
    const res = await client.reactions
      .get({ channel: card.channelId, timestamp: card.messageId, full: true })
      .catch((err: unknown) => void log.warn({ err, card }, 'could not read the reactions of a card'));
    if (!res) continue;
    const present: PresentReaction[] = [];
    for (const r of res.message?.reactions ?? []) {
      const vote = r.name ? voteOfEmoji(r.name) : undefined;
      if (!vote) continue;
      for (const user of r.users ?? []) {
        if (user === botUserId) continue;
        present.push({
          actor: await members.actor(community.id, user),
          emoji: vote.emoji,
          value: vote.value,
        });
      }
    }
    const message = { channelId: card.channelId, messageId: card.messageId };
    await out.perform(await core.handle({ type: 'reactions-sync', community, message, present }));
    synced++;
  }
  return synced;
}
