/**
 * One door for input errors: every platform hands `handle` the raw command, as its adapter builds it
 * (the console's line, Discord's options, Slack's escaped text, a filled-in form), and a bad one comes
 * back as a value, answered privately, having changed nothing — not even the record of its event id.
 */
import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { ChatInputCommandInteraction, Client, Guild } from 'discord.js';
import type { GatewayGuildCreateDispatch, GatewayInteractionCreateDispatch } from 'discord-api-types/v10';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConsoleAdapter } from '../../adapters/console/console-adapter.js';
import { ConsoleClock } from '../../adapters/console/clock.js';
import { commandOf as discordCommand } from '../../adapters/discord/inbound.js';
import { commandOf as slackCommand } from '../../adapters/slack/inbound.js';
import { fieldErrors, submittedForm } from '../../adapters/slack/interaction.js';
import { formCommand, type Actor, type Outcome, type RawCommand } from '../../src/core/index.js';
import { settingsStore } from '../../src/db/kv.js';
import { makeCore, type Harness } from '../helpers/core.js';

const bob: Actor = { userId: 'bob', name: 'bob' };
const alice: Actor = { userId: 'alice', name: 'alice', isAdmin: true };
/** Never seen before: a rejected command must not even make her a member. */
const zoe: Actor = { userId: 'zoe', name: 'zoe', isAdmin: true };

/** Every table but the console's own store (its message counter moves with each reply it prints). */
async function coreDump(h: Harness): Promise<string> {
  const tables = JSON.parse(await h.dump()) as [string, unknown][];
  return JSON.stringify(tables.filter(([name]) => name !== 'kv'));
}

function send(h: Harness, command: RawCommand, actor: Actor, eventId: string): Promise<Outcome> {
  return h.core.handle({
    type: 'command',
    eventId,
    community: h.community,
    channelId: 'general',
    actor,
    command,
  });
}

/** Sends a bad raw command; checks it is answered privately by its error and changed nothing. */
async function rejected(h: Harness, command: RawCommand, actor: Actor, eventId: string) {
  const before = await coreDump(h);
  const out = await send(h, command, actor, eventId);
  expect(out.error).toBeDefined();
  expect(out.reply).toEqual({ private: true, text: out.error!.message });
  expect(out.effects).toEqual([]);
  expect(out.duplicate).toBeUndefined();
  expect(await coreDump(h)).toBe(before);
  return out;
}

/** The same event id, now with a good command: not taken for a repeat, since the rejection recorded nothing. */
async function retried(h: Harness, command: RawCommand, actor: Actor, eventId: string) {
  const out = await send(h, command, actor, eventId);
  expect(out.duplicate).toBeUndefined();
  expect(out.error).toBeUndefined();
  return out;
}

let client: Client;
let guild: Guild;

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/discord/${name}`, import.meta.url), 'utf8')) as T;
}

beforeAll(() => {
  client = new Client({ intents: [] });
  guild = new (Guild as unknown as new (...a: unknown[]) => Guild)(
    client,
    fixture<GatewayGuildCreateDispatch>('guild-create.json').d,
  );
  client.guilds.cache.set(guild.id, guild);
});
afterAll(() => client.destroy());

describe('one door for input errors', () => {
  let h: Harness;
  beforeEach(async () => {
    h = makeCore();
    await h.ok('alice', '/task post Write the guide');
    await h.ok('bob', '/task claim 1');
  });

  it('console text: a bad line is printed back to its member only, and changes nothing', async () => {
    const settings = settingsStore(h.storage);
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (d: Buffer) => (printed += d.toString()));
    const clock = new ConsoleClock(settings, h.clock.now);
    const adapter = new ConsoleAdapter({
      core: h.core,
      settings,
      clock,
      input,
      output,
      runDue: async () => 0,
    });
    const before = await coreDump(h);
    await adapter.start();
    input.end('/as bob\n/task claim abc\n/task frobnicate\n');
    await adapter.finished();
    expect(printed).toContain(
      '(only bob sees this) Invalid `task` for `/task claim`: must be a whole number. Usage: /task claim <task>',
    );
    expect(printed).toContain(
      '(only bob sees this) Unknown subcommand `frobnicate` of `/task`. Valid: post, list, show, claim, unclaim, submit, cancel.',
    );
    expect(await coreDump(h)).toBe(before);

    // What the console hands the core: the line as typed.
    const out = await rejected(h, { text: '/task claim "1' }, zoe, 'console:1');
    expect(out.error).toEqual({ code: 'grammar.unclosedQuote', message: 'A quote is not closed.' });
    await retried(h, { text: '/task unclaim 1' }, bob, 'console:1');
  });

  it('Discord options: a bad option value is the error value, and the interaction id stays unseen', async () => {
    const d = fixture<GatewayInteractionCreateDispatch>('interaction-create-commons-setup.json').d;
    const data = d.data as { options: { options: { name: string; value: unknown }[] }[] };
    data.options[0]!.options.find((o) => o.name === 'rules')!.value = 'review.approvals=1\u0007';
    const i = new (
      ChatInputCommandInteraction as unknown as new (...a: unknown[]) => ChatInputCommandInteraction
    )(client, d);
    const out = await rejected(h, discordCommand(i), zoe, i.id);
    expect(out.error).toEqual({
      code: 'option.invalid',
      option: 'rules',
      message: expect.stringMatching(
        /^Invalid `rules` for `\/commons setup`: must be plain text: U\+0007 .*Usage: \/commons setup/,
      ) as string,
    });
    await retried(h, { name: 'commons setup', options: { rules: 'review.approvals=1' } }, alice, i.id);
  });

  it('Slack text: the escaped line is split by the core, unescaped by the adapter, and refused as a value', async () => {
    const out = await rejected(h, slackCommand('/task', 'claim <#C1|tasks>'), zoe, 'command:T1');
    expect(out.error).toEqual({
      code: 'option.invalid',
      option: 'task',
      message: 'Invalid `task` for `/task claim`: must be a whole number. Usage: /task claim <task>',
    });
    const extra = await rejected(h, slackCommand('/task', 'unclaim 1 <@U1|ana>'), zoe, 'command:T2');
    expect(extra.error).toEqual({
      code: 'argument.extra',
      message: 'Unexpected `<@U1|ana>` after `/task unclaim`. Usage: /task unclaim <task>',
    });
    // Only read as its URL (the adapter's unescape, applied by the core to the value) is the link valid.
    const link = 'link:<https://example.org/pr/1?a=1&amp;b=2|example.org/pr/1>';
    await retried(h, slackCommand('/task', `submit 1 ${link}`), bob, 'command:T1');
    expect(await h.one('select link from submissions')).toEqual({
      link: 'https://example.org/pr/1?a=1&b=2',
    });
  });

  it('a form: a bad field is the error value naming it; Slack shows it under that field', async () => {
    // Discord's modal and Slack's view map their values the same way, through the core's form.
    const discord = formCommand('submit:1', { link: 'not a link', note: '' })!;
    const out = await rejected(h, discord, zoe, 'modal:1');
    expect(out.error).toEqual({
      code: 'option.invalid',
      option: 'link',
      message: expect.stringMatching(
        /^Invalid `link` for `\/task submit`: must be an http\(s\) link\./,
      ) as string,
    });

    const state = { link: { a: { value: 'not a link' } }, note: { a: { value: '' } } };
    const slack = submittedForm('ostrom:submit:1', state)!;
    const viaSlack = await rejected(h, slack, zoe, 'view:V1');
    expect(fieldErrors('ostrom:submit:1', viaSlack)).toEqual({ link: out.error!.message });

    // A rule's error, once the values pass, is not a field's: Slack closes the form and answers as usual.
    const notYours = await send(
      h,
      formCommand('submit:1', { link: 'https://example.org/x' })!,
      alice,
      'view:V2',
    );
    expect(notYours.error?.code).toBe('task.notClaimant');
    expect(fieldErrors('ostrom:submit:1', notYours)).toBeUndefined();

    state.link.a.value = 'https://example.org/pr/1';
    const done = await retried(h, submittedForm('ostrom:submit:1', state)!, bob, 'view:V1');
    expect(done.reply?.text).toMatch(/task #1/i);
  });
});
