/**
 * A burst of reactions through the real Discord adapter: the events that pile up while one is applied
 * go to the core together (one transaction, a savepoint each), a bad one among them fails alone, and
 * the card is edited only with what has been committed.
 */
import { Events } from 'discord.js';
import { GatewayDispatchEvents, type APIMessage } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inbound } from '../../src/core/index.js';
import type { RecordedCall } from '../helpers/fake-discord.js';
import { buildMember } from '../helpers/fake-discord/entities.js';
import {
  Actions,
  drained,
  embedOf,
  fieldOf,
  reviewMarks,
  startStage,
  stopStage,
  type Bot,
  type World,
} from '../helpers/discord-harness.js';

let w: World;
let bot: Bot;
let act: Actions;

beforeAll(async () => ({ w, bot, act } = await startStage()));
afterAll(() => stopStage({ w, bot }));

const VOTERS = 30;

/** Members who joined long ago (their votes count), known to the fake guild. */
function addVoters(names: string[]): string[] {
  const guild = w.fake.guilds[0]!;
  return names.map((username) => {
    const user = w.fake.addUser({ username });
    guild.members.push(buildMember(user, [], { joined_at: '2020-01-01T00:00:00.000Z' }));
    return user.id;
  });
}

/** Makes adding the member called `faulty` fail inside the core, as a bug or a full disk would. */
async function breakMember(b: Bot, name: string): Promise<void> {
  if (b.db.dialect === 'pg')
    await b.db.exec(`create function fault() returns trigger language plpgsql as $$
      begin raise exception 'injected fault'; end $$;
      create trigger fault before insert on members for each row when (new.display_name = '${name}')
      execute function fault()`);
  else
    await b.db.exec(`create trigger fault before insert on members when new.display_name = '${name}'
      begin select raise(abort, 'injected fault'); end`);
}

const objections = (b: Bot, n: number) => reviewMarks(b, n).then((m) => m.filter((x) => x.endsWith('❌')));

describe('Discord adapter: a burst of reactions', () => {
  it('applies the pile-up in one batch: every good vote once, the bad ones alone refused, the card edited after the commit', async () => {
    const { n } = await act.postTask('alice', 'Burst target');
    const review: APIMessage = await act.claimAndSubmit('bob', n);
    const names = Array.from({ length: VOTERS }, (_, i) => `voter${String(i + 1).padStart(2, '0')}`);
    const ids = addVoters([...names, 'faulty']);
    await breakMember(bot, 'faulty');

    // Hold the first event in the core until the whole burst has reached the adapter: the rest pile up.
    let received = 0;
    let release!: () => void;
    const everyone = new Promise<void>((r) => (release = r));
    const burst = VOTERS + 3;
    const count = () => ++received === burst && release();
    bot.adapter.client.on(Events.MessageReactionAdd, count);
    bot.adapter.client.on(Events.MessageReactionRemove, count);
    const core = bot.core;
    const handle = core.handle.bind(core);
    const handleBatch = core.handleBatch.bind(core);
    const batches: number[] = [];
    core.handle = async (input: Inbound) => {
      await everyone;
      return handle(input);
    };
    core.handleBatch = async (inputs: Inbound[]) => {
      batches.push(inputs.length);
      await everyone;
      return handleBatch(inputs);
    };
    // What the database had committed each time a batch came back, and what each card edit showed.
    const committed: number[] = [];
    const writeEach = bot.db.storage.writeEach.bind(bot.db.storage);
    bot.db.storage.writeEach = async (works, finish) => {
      const results = await writeEach(works, finish);
      committed.push((await objections(bot, n)).length);
      return results;
    };
    const shown: { committedBefore: number; objections: number }[] = [];
    const onCall = (call: RecordedCall) => {
      if (call.method !== 'PATCH' || !call.path.endsWith(`/messages/${review.id}`)) return;
      const tally = fieldOf(embedOf(call), 'Objections') ?? '';
      shown.push({ committedBefore: committed.at(-1) ?? 0, objections: Number(/^(\d+)/.exec(tally)?.[1]) });
    };
    w.fake.events.on('request', onCall);

    try {
      const react = (userId: string) =>
        w.fake.dispatch(
          GatewayDispatchEvents.MessageReactionAdd,
          w.fake.reactionAdd({ channelId: review.channel_id, messageId: review.id, userId, emoji: '❌' }),
        );
      const half = VOTERS / 2;
      for (const id of ids.slice(0, half)) react(id);
      react(ids[VOTERS]!); // faulty: the core fails on this one
      // A remove by a user Discord no longer knows: fetching the user fails in the adapter.
      const ghost = w.fake.addUser({ username: 'ghost' });
      const remove = w.fake.reactionRemove({
        channelId: review.channel_id,
        messageId: review.id,
        userId: ghost.id,
        emoji: '❌',
      });
      w.fake.store.users.delete(ghost.id);
      w.fake.dispatch(GatewayDispatchEvents.MessageReactionRemove, remove);
      react(ids[0]!); // the same vote again: counts once
      for (const id of ids.slice(half, VOTERS)) react(id);

      await everyone; // the whole burst has reached the adapter
      await drained(bot);
      expect(Math.max(...batches)).toBeGreaterThan(1);
      expect(await objections(bot, n)).toEqual(names.map((v) => `${v} ❌`));
      await expect.poll(() => shown.at(-1)?.objections, { timeout: 5000 }).toBe(VOTERS);
      // No edit ever showed a vote that was not committed yet, and a batch edits its card once.
      for (const s of shown) expect(s.objections).toBeLessThanOrEqual(s.committedBefore);
      expect(shown.length).toBeLessThanOrEqual(batches.length);
      expect(bot.logs.filter((l) => l.includes('Discord reaction failed')).length).toBe(2);
      expect(bot.logs.some((l) => l.includes('injected fault'))).toBe(true);
    } finally {
      w.fake.events.off('request', onCall);
      bot.adapter.client.off(Events.MessageReactionAdd, count);
      bot.adapter.client.off(Events.MessageReactionRemove, count);
      core.handle = handle;
      core.handleBatch = handleBatch;
      bot.db.storage.writeEach = writeEach;
    }
  });
});
