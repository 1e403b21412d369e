/**
 * The one table of voting emoji (SPEC §3): unicode as Discord and the console send it, and Slack's
 * reaction names. Skin-tone variants are the same vote: 👍🏽 (U+1F3FB–U+1F3FF) and `+1::skin-tone-3`.
 */
import type { VoteValue } from '../shared/model.js';

export interface VoteEmoji {
  value: VoteValue;
  /** The emoji as a character, the way Discord and the console show it (no variation selector). */
  unicode: string;
  /** Slack's names for the same reaction. */
  slack: readonly string[];
}

export const voteEmojiTable: readonly VoteEmoji[] = [
  { value: 'yes', unicode: '✅', slack: ['white_check_mark'] },
  { value: 'yes', unicode: '✔', slack: ['heavy_check_mark'] },
  { value: 'yes', unicode: '👍', slack: ['+1', 'thumbsup'] },
  { value: 'no', unicode: '❌', slack: ['x'] },
  { value: 'no', unicode: '👎', slack: ['-1', 'thumbsdown'] },
  { value: 'abstain', unicode: '➖', slack: ['heavy_minus_sign'] },
];

/** The emoji Ostrom adds to its own vote cards so members can vote in one click. */
export const cardVoteEmoji = { review: ['✅', '❌'], proposal: ['✅', '❌', '➖'] } as const;

const byKey = new Map<string, VoteEmoji>();
for (const e of voteEmojiTable) {
  byKey.set(e.unicode, e);
  for (const name of e.slack) byKey.set(name, e);
}

const VARIATION_SELECTOR = /\uFE0F/g;
const SKIN_TONE = /[\u{1F3FB}-\u{1F3FF}]/gu;
const SLACK_SKIN_TONE = /::?skin-tone-[2-6]:?$/;

/**
 * The vote an emoji stands for, or undefined for any other emoji. `emoji` is the reaction as the
 * platform names it (variation selector dropped, skin tone kept): one vote source, so removing that
 * very reaction removes that mark.
 */
export function voteOfEmoji(raw: string): { emoji: string; value: VoteValue; unicode: string } | undefined {
  const emoji = raw
    .trim()
    .replace(VARIATION_SELECTOR, '')
    .replace(/^:(.+):$/, '$1');
  if (emoji === '') return undefined;
  const base = emoji.replace(SKIN_TONE, '').replace(SLACK_SKIN_TONE, '');
  const found = byKey.get(base);
  if (!found) return undefined;
  return { emoji, value: found.value, unicode: found.unicode + toneOf(emoji) };
}

/** The skin-tone modifier of a reaction as a character ('' when none); Slack's skin-tone-2…6 are U+1F3FB…F. */
function toneOf(emoji: string): string {
  const uni = emoji.match(SKIN_TONE);
  if (uni) return uni[0];
  const slack = /skin-tone-([2-6])/.exec(emoji);
  return slack ? String.fromCodePoint(0x1f3fb + Number(slack[1]) - 2) : '';
}

/** One line for help texts: the emoji of each vote, with Slack's names. */
export function voteEmojiHelp(): string {
  const values: VoteValue[] = ['yes', 'no', 'abstain'];
  const label = { yes: 'approve/yes', no: 'object/no', abstain: 'abstain' } as const;
  const uni = values.map(
    (v) =>
      `${voteEmojiTable
        .filter((e) => e.value === v && e.unicode !== '✔')
        .map((e) => e.unicode)
        .join(' ')} ${label[v]}`,
  );
  const slack = values.map((v) =>
    voteEmojiTable
      .filter((e) => e.value === v)
      .flatMap((e) => e.slack.slice(0, 1))
      .map((n) => `:${n}:`)
      .join(' '),
  );
  return `Votes by emoji: ${uni.join(' · ')} (Slack: ${slack.join(' · ')}; skin tones count the same).`;
}
