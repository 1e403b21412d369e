/**
 * Votes cast or taken back while the bot could not hear them: after a restart (a new adapter on the same
 * database file) and after a gateway reconnect that could not resume, review cards match their reactions.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  Actions,
  embedOf,
  fieldOf,
  messageOf,
  reviewMarks,
  startBot,
  startWorld,
  type Bot,
  type Name,
  type World,
} from '../helpers/discord-harness.js';

let w: World;
let act: Actions;
let dir: string;
const bots: Bot[] = [];

beforeAll(async () => {
  w = await startWorld();
  act = new Actions(w);
  dir = mkdtempSync(join(tmpdir(), 'ostrom-discord-'));
});

afterAll(async () => {
  for (const b of bots) await b.stop();
  await w?.fake.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function boot(): Promise<Bot> {
  // After the first, each bot opens the first one's database again (a restart).
  const at = bots[0] ? await bots[0].db.location() : undefined;
  const b = await startBot(w, { dbPath: join(dir, 'ostrom.db'), at });
  bots.push(b);
  return b;
}

describe('Discord adapter: reconciling reactions', () => {
  let review: APIMessage;
  const ids = (...names: Name[]) => names.map((n) => w.ids[n]);

  it('after a restart, a review card counts the reactions added and drops those removed while down', async () => {
    const first = await boot();
    const post = act.nextPost();
    await act.command('alice', 'task', 'post', { title: 'Draw the logo' });
    await post;
    await act.command('bob', 'task', 'claim', { task: 1 });
    const reviewPost = act.nextPost();
    await act.command('bob', 'task', 'submit', { task: 1, link: 'https://example.org/logo' });
    review = messageOf(await reviewPost);
    await w.fake.waitForCall('PUT', new RegExp(`/messages/${review.id}/reactions/.+/@me$`), 2);
    const edit = act.nextEdit(review);
    act.react('dave', review, '✅');
    expect(fieldOf(embedOf(await edit), 'Approvals')).toBe('1 of 2: dave');
    await first.stop();

    // While Ostrom is down: carol reacts ✅, dave takes his ✅ back. No gateway event reaches anyone.
    w.fake.setReactions(review.channel_id, review.id, '✅', [w.fake.bot.id, ...ids('carol')]);

    const synced = act.nextEdit(review);
    const second = await boot();
    const tally = embedOf(await synced);
    expect(fieldOf(tally, 'Approvals')).toBe('1 of 2: carol');
    expect(fieldOf(tally, 'Status')).toBe('awaiting review');
    expect(await reviewMarks(second, 1)).toEqual(['carol ✅']);
    // The same database file: the second core knows the card the first one posted.
    expect(
      (await second.core.findCard({ platform: 'discord', id: w.guildId }, 'submission:1'))?.messageId,
    ).toBe(review.id);
  });

  it('after a reconnect that cannot resume, reactions missed meanwhile are counted', async () => {
    const second = bots.at(-1)!;
    // erin's 👍 lands while the session is gone: discord.js never hears of it.
    w.fake.setReactions(review.channel_id, review.id, '👍', ids('erin'));
    // A session that cannot resume is re-identified after discord.js's 5 s identify throttle.
    const accepted = act.nextEdit(review, 12_000);
    const notice = act.nextPost(w.tasksId, 12_000);
    await w.fake.dropConnection({ resumable: false });
    await w.fake.waitForIdentify(3);
    const tally = embedOf(await accepted);
    expect(fieldOf(tally, 'Status')).toBe('accepted ✅');
    expect(fieldOf(tally, 'Approvals')).toBe('2 of 2: carol, erin');
    expect(((await notice).body as { content: string }).content).toContain(
      'Task #1 "Draw the logo" accepted',
    );
    expect(await reviewMarks(second, 1)).toEqual(['carol ✅', 'erin 👍']);
  }, 15_000);
});
