import { describe, expect, it } from 'vitest';
import { voteOfEmoji } from '../../src/core/votes/vote-emoji.js';
import { voteOf } from '../../adapters/discord/emoji.js';
import { voteEmoji } from '../../adapters/console/emoji.js';

describe('the vote-emoji table', () => {
  it.each([
    ['👍🏽', 'yes'],
    ['👍🏻', 'yes'],
    ['👎🏿', 'no'],
    ['✅', 'yes'],
    ['✔️', 'yes'],
    ['➖', 'abstain'],
    ['+1::skin-tone-3', 'yes'],
    [':-1::skin-tone-6:', 'no'],
    ['thumbsup', 'yes'],
    ['heavy_minus_sign', 'abstain'],
  ])('%s is the vote %s', (raw, value) => {
    expect(voteOfEmoji(raw)?.value).toBe(value);
  });

  it.each(['🎉', 'tada', '', 'skin-tone-3', '🏽', ':+2:'])('%s is no vote', (raw) => {
    expect(voteOfEmoji(raw)).toBeUndefined();
  });

  it('keeps the skin tone in the source, so removing that very reaction removes that mark', () => {
    expect(voteOfEmoji('👍🏽')).toEqual({ emoji: '👍🏽', value: 'yes', unicode: '👍🏽' });
    expect(voteOfEmoji('+1::skin-tone-3')).toEqual({ emoji: '+1::skin-tone-3', value: 'yes', unicode: '👍🏼' });
  });

  it('skin tones are votes on Discord and in the console too', () => {
    expect(voteOf({ id: null, name: '👎🏿' })).toEqual({ emoji: '👎🏿', value: 'no' });
    expect(voteOf({ id: '123', name: '👍🏽' })).toBeUndefined(); // a custom emoji of that name
    expect(voteEmoji('👍🏽')).toEqual({ emoji: '👍🏽', value: 'yes' });
    expect(voteEmoji('+1')).toEqual({ emoji: '👍', value: 'yes' });
  });
});
