/**
 * Discord sharding across processes: two Ostrom processes (a core and the real DiscordAdapter each) on
 * one database, with DISCORD_SHARD_COUNT=2 and one shard each, against a fake Discord that routes guilds
 * to shards with Discord's formula. Guild A is on shard 0, guild B on shard 1. Each process hears only
 * its guild, answers its commands and reconciles its cards, and a deadline of guild A is performed
 * right by the process of shard 1 (by REST, which reaches any guild).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  GatewayDispatchEvents,
  MessageFlags,
  PermissionFlagsBits,
  type APIMessage,
} from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DiscordAdapter } from '../../adapters/discord/discord-adapter.js';
import { Governance, type Inbound } from '../../src/core/index.js';
import { HOUR_MS } from '../../src/core/shared/model.js';
import type { Storage } from '../../src/db/storage.js';
import { startScheduler, type Scheduler } from '../../src/jobs/scheduler.js';
import { createLogger } from '../../src/log.js';
import { TestClock } from '../helpers/core.js';
import { buttonsOf, embedOf, fieldOf, messageOf, nextCall, replyOf } from '../helpers/discord-harness.js';
import {
  shardOf,
  snowflakeOnShard,
  startFakeDiscord,
  type FakeDiscord,
  type OptionsInput,
} from '../helpers/fake-discord.js';
import { testDb, type TestDb } from '../helpers/test-db.js';

const SHARDS = 2;
const joinedAt = '2020-01-01T00:00:00.000Z';

/** One guild of the fake: #tasks, alice with Manage Server, bob; its ids. */
interface Place {
  guildId: string;
  tasksId: string;
  alice: string;
  bob: string;
}

/** One Ostrom process: its core, its adapter (some of the shards), what its core was handed. */
interface Proc {
  core: Governance;
  clock: TestClock;
  adapter: DiscordAdapter;
  scheduler: Scheduler;
  /** Every inbound event the core handled, as `type guild`. */
  handled: string[];
  logs: string[];
}

let fake: FakeDiscord;
let dir: string;
let dbs: TestDb[] = [];
let A: Place;
let B: Place;
let procs: Proc[] = [];

function guildInput(name: string, shard: number, stewardRole: string) {
  return {
    id: snowflakeOnShard(shard, SHARDS),
    name,
    channels: [{ name: 'tasks' }],
    roles: [{ id: stewardRole, name: 'Steward', permissions: PermissionFlagsBits.ManageGuild }],
    members: [
      { user: { username: `${name}-founder` }, joinedAt },
      { user: { username: `${name}-alice` }, joinedAt, roles: [stewardRole] },
      { user: { username: `${name}-bob` }, joinedAt },
    ],
  };
}

function placeOf(index: number): Place {
  const g = fake.guilds[index]!;
  const id = (suffix: string) => g.members.find((m) => m.user.username.endsWith(suffix))!.user.id;
  return { guildId: g.id, tasksId: g.channels[0]!.id, alice: id('-alice'), bob: id('-bob') };
}

/** A process running `shards` of SHARDS on `storage`, started (logged in, its shards ready). */
async function startProc(storage: Storage, shards: number[]): Promise<Proc> {
  const clock = new TestClock(Date.now());
  const logs: string[] = [];
  const log = createLogger('debug', { write: (line: string) => void logs.push(line) });
  const core = new Governance(storage, clock, log);
  const handled: string[] = [];
  const handle = core.handle.bind(core);
  core.handle = (input: Inbound) => {
    handled.push(`${input.type} ${input.community.id}`);
    return handle(input);
  };
  const adapter = new DiscordAdapter({
    core,
    log,
    token: fake.token,
    appId: fake.applicationId,
    apiUrl: fake.restUrl,
    sharding: { shards, shardCount: SHARDS },
  });
  // The production scheduler, ticked by hand: its own timer is far off.
  const scheduler = startScheduler(core, [adapter], log, 3_600_000);
  const proc = { core, clock, adapter, scheduler, handled, logs };
  procs.push(proc);
  await adapter.start();
  return proc;
}

async function stopProc(p: Proc): Promise<void> {
  p.scheduler.stop();
  await p.adapter.stop();
  procs = procs.filter((q) => q !== p);
}

/** `/name [sub] options…` by `user` in a guild's #tasks; the interaction callback. */
async function command(at: Place, user: string, name: string, sub?: string, options?: OptionsInput) {
  const interaction = fake.interaction.chatInput({
    name,
    ...(sub ? { subcommand: sub } : {}),
    ...(options ? { options } : {}),
    user,
    guildId: at.guildId,
    channelId: at.tasksId,
  });
  const callback = fake.waitForCall('POST', `/interactions/${interaction.id}/${interaction.token}/callback`);
  // Discord routes it to the one session whose shard holds the guild.
  expect(fake.dispatch(GatewayDispatchEvents.InteractionCreate, interaction)).toBe(1);
  return callback;
}

/** A lazy-consensus proposal in a guild; its card once posted, with its thread and seeded votes. */
async function propose(
  at: Place,
  title: string,
  hours: number,
): Promise<{ card: APIMessage; threadId: string }> {
  const post = nextCall(fake, 'POST', `/channels/${at.tasksId}/messages`);
  const threads = new RegExp(`^/channels/${at.tasksId}/messages/\\d+/threads$`);
  const thread = nextCall(fake, 'POST', threads);
  const reply = await command(at, at.alice, 'propose', undefined, {
    title,
    rule: 'lazy',
    hours,
    change: 'review.approvals=1',
  });
  expect(replyOf(reply).content).toContain(`: ${title}. Rule lazy`);
  const card = messageOf(await post);
  const threadId = ((await thread).response as { id: string }).id;
  const seeds = new RegExp(`^/channels/${at.tasksId}/messages/${card.id}/reactions/.+/@me$`);
  await fake.waitForCall('PUT', seeds, 3);
  return { card, threadId };
}

function errorsIn(p: Proc): string[] {
  return p.logs.filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
}

beforeAll(async () => {
  fake = await startFakeDiscord({
    shards: SHARDS,
    // Both shards of one process identify at once (the last test), not 5 s apart.
    maxConcurrency: SHARDS,
    heartbeatIntervalMs: 1000,
    guilds: [guildInput('Alpha', 0, '900000000000000001'), guildInput('Beta', 1, '900000000000000002')],
  });
  A = placeOf(0);
  B = placeOf(1);
  // Two processes, two connections to one database (an SQLite file, or one PostgreSQL database).
  dir = mkdtempSync(join(tmpdir(), 'ostrom-shards-'));
  const first = testDb({ path: join(dir, 'ostrom.db') });
  dbs = [first, testDb({ at: await first.location() })];
});

afterAll(async () => {
  for (const p of [...procs]) await stopProc(p);
  for (const db of dbs) await db.storage.close();
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Discord shards across processes', () => {
  let zero: Proc;
  let one: Proc;

  it('puts the test guilds on different shards, as Discord routes them', () => {
    expect(shardOf(A.guildId, SHARDS)).toBe(0);
    expect(shardOf(B.guildId, SHARDS)).toBe(1);
  });

  it('runs one shard per process: each identifies as its shard and is told of its own guild only', async () => {
    const commandPuts = () => fake.callsTo('PUT', `/applications/${fake.applicationId}/commands`).length;
    zero = await startProc(dbs[0]!.storage, [0]);
    one = await startProc(dbs[1]!.storage, [1]);
    expect(fake.identifies.map((i) => i.shard).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    expect([...zero.adapter.client.guilds.cache.keys()]).toEqual([A.guildId]);
    expect([...one.adapter.client.guilds.cache.keys()]).toEqual([B.guildId]);
    // The commands are the application's: only the process with shard 0 registers them.
    expect(commandPuts()).toBe(1);
    expect(one.logs.join('\n')).toContain('Discord commands are left to the process running shard 0');
  });

  it('answers a command in each guild from the process of its shard only', async () => {
    for (const [at, title] of [
      [A, 'Paint the fence'],
      [B, 'Mend the gate'],
    ] as const) {
      const post = nextCall(fake, 'POST', `/channels/${at.tasksId}/messages`);
      const reply = await command(at, at.alice, 'task', 'post', { title });
      expect(replyOf(reply)).toMatchObject({ flags: MessageFlags.Ephemeral });
      expect(embedOf(await post).title).toBe(`Task #1 · ${title}`);
    }
    expect(zero.handled).toEqual([`command ${A.guildId}`]);
    expect(one.handled).toEqual([`command ${B.guildId}`]);
  });

  it('performs a deadline of guild A right when the process of shard 1 runs it', async () => {
    const { card, threadId } = await propose(A, 'Fewer approvals for small fixes', 1);
    expect(one.adapter.client.guilds.cache.has(A.guildId)).toBe(false);

    const closed = nextCall(fake, 'PATCH', `/channels/${A.tasksId}/messages/${card.id}`);
    const inThread = nextCall(fake, 'POST', `/channels/${threadId}/messages`);
    one.clock.advance(HOUR_MS + 1000);
    expect(await one.scheduler.tick()).toBe(1);
    const outcome = await closed;
    expect(fieldOf(embedOf(outcome), 'Status')).toBe('passed ✅');
    expect(buttonsOf(outcome)).toEqual([]);
    const said = (await inThread).body as { content: string; allowed_mentions: unknown };
    expect(said.content).toMatch(/^✅ P1 "Fewer approvals for small fixes" passed/);
    expect(said.allowed_mentions).toEqual({ parse: [] });
    expect(fake.messages(threadId).map((m) => m.content)).toEqual([said.content]);
    expect(errorsIn(one)).toEqual([]);

    // The rule holds in guild A (asked of its own process), and the deadline ran once.
    zero.clock.advance(HOUR_MS + 1000);
    expect(await zero.scheduler.tick()).toBe(0);
    const config = await command(A, A.bob, 'commons', 'config');
    expect(replyOf(config).content).toContain('review.approvals = 1  (set by proposal P1;');
  });

  it('after a restart, each process reconciles the vote cards of its own guild only', async () => {
    const cards = {
      a: (await propose(A, 'Meet monthly', 720)).card,
      b: (await propose(B, 'Meet weekly', 720)).card,
    };
    await stopProc(zero);
    await stopProc(one);
    // While both are down, bob votes Yes on each card.
    fake.setReactions(A.tasksId, cards.a.id, '✅', [A.bob]);
    fake.setReactions(B.tasksId, cards.b.id, '✅', [B.bob]);
    const fetches = (at: Place, card: APIMessage) =>
      fake.callsTo('GET', `/channels/${at.tasksId}/messages/${card.id}`).length;
    const before = { a: fetches(A, cards.a), b: fetches(B, cards.b) };
    const synced = {
      a: nextCall(fake, 'PATCH', `/channels/${A.tasksId}/messages/${cards.a.id}`),
      b: nextCall(fake, 'PATCH', `/channels/${B.tasksId}/messages/${cards.b.id}`),
    };

    zero = await startProc(dbs[0]!.storage, [0]);
    one = await startProc(dbs[1]!.storage, [1]);
    expect(fieldOf(embedOf(await synced.a), 'Yes')).toBe('Alpha-bob');
    expect(fieldOf(embedOf(await synced.b), 'Yes')).toBe('Beta-bob');
    expect(zero.handled).toEqual([`reactions-sync ${A.guildId}`]);
    expect(one.handled).toEqual([`reactions-sync ${B.guildId}`]);
    expect({ a: fetches(A, cards.a) - before.a, b: fetches(B, cards.b) - before.b }).toEqual({ a: 1, b: 1 });
  });

  it('with both shards in one process, reconciles each guild once, as its shard becomes ready', async () => {
    await stopProc(zero);
    await stopProc(one);
    const open = await zero.core.openVoteCards({ platform: 'discord', id: B.guildId });
    const cardB = open[0]!;
    fake.setReactions(cardB.channelId, cardB.messageId, '✅', []);
    const synced = nextCall(fake, 'PATCH', `/channels/${cardB.channelId}/messages/${cardB.messageId}`);
    const both = await startProc(dbs[0]!.storage, [0, 1]);
    expect(fieldOf(embedOf(await synced), 'Yes')).toBe('—');
    // Wait for the other card's sync too (it changes nothing, so it is seen in the core, not on Discord).
    await expect.poll(() => both.handled.length).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 300)); // time for a second, wrong, round
    expect(both.handled.sort()).toEqual(
      [`reactions-sync ${A.guildId}`, `reactions-sync ${B.guildId}`].sort(),
    );
  });
});
