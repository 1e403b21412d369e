import { describe, expect, it } from 'vitest';
import { makeCore, submittedTask } from '../helpers/core.js';

const actor = (name: string) => ({ userId: name, name });

describe('reconciling reactions after downtime', () => {
  it('counts reactions cast meanwhile, drops removed ones, keeps command votes, and is idempotent', async () => {
    const h = makeCore();
    await submittedTask(h);
    await h.react('carol', 'submission:1', '✅');
    await h.ok('erin', '/review 1 object');
    const card = (await h.core.findCard(h.community, 'submission:1'))!;
    const message = { channelId: card.channelId, messageId: card.messageId };
    expect(await h.core.openVoteCards(h.community)).toEqual([
      expect.objectContaining({ messageId: card.messageId }),
    ]);

    // While down: carol removed her ✅, dave added 👍, a bot added ✅.
    const sync = () =>
      h.core.handle({
        type: 'reactions-sync',
        community: h.community,
        message,
        present: [
          { actor: actor('dave'), emoji: '👍', value: 'yes' },
          { actor: { ...actor('robot'), isBot: true }, emoji: '✅', value: 'yes' },
        ],
      });
    const out = await sync();
    const review = out.effects.find((e) => e.type === 'update' && e.cardKey === 'submission:1');
    expect(review).toMatchObject({
      view: {
        fields: expect.arrayContaining([
          expect.objectContaining({ name: 'Approvals', value: '1 of 2: dave' }),
        ]),
      },
    });
    expect(review).toMatchObject({
      view: {
        fields: expect.arrayContaining([expect.objectContaining({ name: 'Objections', value: '1: erin' })]),
      },
    });
    const before = await h.dump();
    expect((await sync()).effects).toEqual([]);
    expect(await h.dump()).toBe(before);
  });

  it('suggests matching tasks for autocomplete, open ones first', async () => {
    const h = makeCore();
    await h.ok('alice', '/task post Write docs');
    await h.ok('alice', '/task post Fix docs build');
    await h.ok('alice', '/task post Unrelated');
    await h.ok('alice', '/task cancel 1');
    expect((await h.core.suggest(h.community, 'task', 'docs')).map((s) => s.label)).toEqual([
      '#2 Fix docs build (open)',
      '#1 Write docs (cancelled)',
    ]);
    expect((await h.core.suggest(h.community, 'task', '#3')).map((s) => s.number)).toEqual([3]);
    expect(await h.core.suggest({ platform: 'discord', id: 'none' }, 'task', '')).toEqual([]);
  });
});
