import type { VoteValue } from '../../src/core/index.js';

/** SPEC §3, Discord column. Keys are emoji names as the gateway sends them (no variation selector). */
export const discordVoteEmoji: Record<string, VoteValue> = {
  '✅': 'yes',
  '👍': 'yes',
  '❌': 'no',
  '👎': 'no',
  '➖': 'abstain',
};

/** The vote a reaction stands for; custom emoji and any other emoji are no vote. */
export function voteOf(emoji: {
  id?: string | null;
  name: string | null;
}): { emoji: string; value: VoteValue } | undefined {
  if (emoji.id || !emoji.name) return undefined;
  const name = emoji.name.replace(/\uFE0F/g, '');
  const value = discordVoteEmoji[name];
  return value ? { emoji: name, value } : undefined;
}
