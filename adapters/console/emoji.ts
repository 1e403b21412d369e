import { voteOfEmoji, type VoteValue } from '../../src/core/index.js';

/**
 * The console accepts Discord's emoji and Slack's names; both name the same reaction, so the source
 * of the vote is the unicode emoji (with its skin tone): `/react m5 +1` and `/unreact m5 👍` match.
 */
export function voteEmoji(input: string): { emoji: string; value: VoteValue } | undefined {
  const vote = voteOfEmoji(input);
  return vote && { emoji: vote.unicode, value: vote.value };
}
