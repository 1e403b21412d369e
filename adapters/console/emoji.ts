import type { VoteValue } from '../../src/core/index.js';

/** The console accepts Discord's emoji and Slack's names; both name the same reaction. */
const table: Record<string, { emoji: string; value: VoteValue }> = {
  '✅': { emoji: '✅', value: 'yes' },
  white_check_mark: { emoji: '✅', value: 'yes' },
  '✔': { emoji: '✔️', value: 'yes' },
  heavy_check_mark: { emoji: '✔️', value: 'yes' },
  '👍': { emoji: '👍', value: 'yes' },
  '+1': { emoji: '👍', value: 'yes' },
  thumbsup: { emoji: '👍', value: 'yes' },
  '❌': { emoji: '❌', value: 'no' },
  x: { emoji: '❌', value: 'no' },
  '👎': { emoji: '👎', value: 'no' },
  '-1': { emoji: '👎', value: 'no' },
  thumbsdown: { emoji: '👎', value: 'no' },
  '➖': { emoji: '➖', value: 'abstain' },
  heavy_minus_sign: { emoji: '➖', value: 'abstain' },
};

/** The voting reaction an emoji stands for, or undefined for any other emoji. */
export function voteEmoji(input: string): { emoji: string; value: VoteValue } | undefined {
  const key = input
    .trim()
    .replace(/\uFE0F/g, '')
    .replace(/^:(.+):$/, '$1');
  return table[key];
}
