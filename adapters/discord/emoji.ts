import { voteOfEmoji, type VoteValue } from '../../src/core/index.js';

/** The vote a reaction stands for (SPEC §3, skin tones included); custom emoji and any other emoji are no vote. */
export function voteOf(emoji: {
  id?: string | null;
  name: string | null;
}): { emoji: string; value: VoteValue } | undefined {
  if (emoji.id || !emoji.name) return undefined;
  const vote = voteOfEmoji(emoji.name);
  return vote && { emoji: vote.emoji, value: vote.value };
}
