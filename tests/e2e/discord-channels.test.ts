/**
 * Channel rules on Discord name channels Ostrom can post cards in, and a card Discord refuses is
 * never silent: the member whose command made it is told privately (issue 8, item 4).
 */
import { MessageFlags } from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Actions,
  denyBot,
  replyOf,
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

const channelId = (name: string) => w.fake.guilds[0]!.channels.find((c) => c.name === name)!.id;
const rules = () => bot.db.query('select key, value from rules order by key');

describe('Discord: channel rules name channels Ostrom can post in', () => {
  it.each(['voice', 'locked'])(
    'setup refuses #%s, lists the channels it can use, and changes nothing',
    async (name) => {
      const { callback } = await act.command('alice', 'commons', 'setup', { tasks: channelId(name) });
      expect(replyOf(callback)).toMatchObject({ flags: MessageFlags.Ephemeral });
      expect(replyOf(callback).content).toMatch(/could not|cannot|no channel/i);
      expect(replyOf(callback).content).toContain('#tasks');
      expect(replyOf(callback).content).not.toContain('#locked');
      expect(await rules()).toEqual([]);
    },
  );

  it('a proposal to move cards to a channel Ostrom cannot post in is refused when proposed', async () => {
    const { callback } = await act.command('alice', 'propose', undefined, {
      title: 'Move the task cards',
      change: 'channels.tasks=#locked',
    });
    expect(replyOf(callback).content).toMatch(/no channel `locked`/);
    expect(await bot.db.one('select count(*) as n from proposals')).toEqual({ n: 0 });
  });

  it('setup by name stores the channel id', async () => {
    const { callback } = await act.command('alice', 'commons', 'setup', {
      tasks: w.tasksId,
      proposals: w.tasksId,
    });
    expect(replyOf(callback).content).toContain('Ostrom is set up');
    expect(await rules()).toContainEqual({ key: 'channels.tasks', value: JSON.stringify(w.tasksId) });
  });

  it('when Discord refuses a card, the member is told privately what to do', async () => {
    denyBot(
      w.fake.guilds[0]!.channels.find((c) => c.id === w.tasksId)!,
      w.fake.bot.id,
    );
    const followUp = w.fake.waitForCall('POST', new RegExp(`^/webhooks/${w.fake.applicationId}/`));
    const { callback } = await act.command('bob', 'task', 'post', { title: 'Write the guide' });
    expect(replyOf(callback).content).toMatch(/Posted task #1/);
    const call = await followUp;
    const body = call.body as { content: string; flags: number };
    expect(body.flags & MessageFlags.Ephemeral).toBe(MessageFlags.Ephemeral);
    expect(body.content).toMatch(/could not be posted in <#\d+>: .*Missing Permissions/);
    expect(body.content).toMatch(/Send Messages/);
  });
});
