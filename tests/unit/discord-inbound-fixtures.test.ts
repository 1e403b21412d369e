/**
 * Discord payloads, in the shape Discord sends them today, through the adapter's inbound mapping: the
 * dispatch's `d` goes into discord.js's own constructors (what its gateway handlers build, on a Client that
 * never logs in), and the result into `commandOf`, `actorOfInteraction`, `actorOfUser` and `voteOf`.
 * Fixtures: tests/fixtures/discord/.
 */
import { readFileSync } from 'node:fs';

import {
  ButtonInteraction,
  ChatInputCommandInteraction,
  Client,
  Guild,
  GuildMember,
  ModalSubmitInteraction,
  User,
} from 'discord.js';
import type {
  GatewayGuildCreateDispatch,
  GatewayInteractionCreateDispatch,
  GatewayMessageReactionAddDispatch,
} from 'discord-api-types/v10';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { voteOf } from '../../adapters/discord/emoji.js';
import {
  actorOfInteraction,
  actorOfUser,
  commandOf as rawCommandOf,
} from '../../adapters/discord/inbound.js';
import { parseCommand } from '../../src/core/parse-command.js';

/** The slash command as `handle` checks it. */
const commandOf = (i: ChatInputCommandInteraction) => parseCommand(rawCommandOf(i));

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`../fixtures/discord/${name}`, import.meta.url), 'utf8')) as T;
}

/** discord.js's own constructor (its typings mark them private), as its gateway handlers call it. */
function build<T>(cls: unknown, ...args: unknown[]): T {
  return new (cls as new (...a: unknown[]) => T)(...args);
}

let client: Client;
let guild: Guild;

beforeAll(() => {
  client = new Client({ intents: [] });
  // As on a real connection, GUILD_CREATE has cached the guild before any interaction or reaction comes.
  guild = build<Guild>(Guild, client, fixture<GatewayGuildCreateDispatch>('guild-create.json').d);
  client.guilds.cache.set(guild.id, guild);
});
afterAll(() => client.destroy());

function interaction<T>(cls: unknown, name: string): T {
  return build<T>(cls, client, fixture<GatewayInteractionCreateDispatch>(name).d);
}

describe('Discord slash commands → core command', () => {
  it('/commons setup with channel options names the channels by id, and its sender is an admin', () => {
    const i = interaction<ChatInputCommandInteraction>(
      ChatInputCommandInteraction,
      'interaction-create-commons-setup.json',
    );
    expect(commandOf(i)).toEqual({
      name: 'commons setup',
      args: {
        tasks: '1345046959593095214',
        proposals: '1345046959593095215',
        rules: 'review.approvals=1 claim.days=14',
      },
    });
    // Manage Server comes from the member's permissions in the payload; the server nickname is the name.
    expect(actorOfInteraction(i)).toEqual({
      userId: '1034315047838687264',
      name: 'Alice (steward)',
      isBot: false,
      isAdmin: true,
      joinedAt: Date.parse('2025-02-28T14:56:24.701Z'),
    });
  });

  it('/commons ledger with a member option names the member by id', () => {
    const i = interaction<ChatInputCommandInteraction>(
      ChatInputCommandInteraction,
      'interaction-create-commons-ledger.json',
    );
    expect(commandOf(i)).toEqual({ name: 'commons ledger', args: { member: '1187654321098765432' } });
  });
});

describe('Discord components → core actor', () => {
  it('a button click by a member without a nickname: the global name, not an admin', () => {
    const i = interaction<ButtonInteraction>(ButtonInteraction, 'interaction-create-button-claim.json');
    expect(i.customId).toBe('ostrom:task.claim:7');
    expect(actorOfInteraction(i)).toEqual({
      userId: '1098765432109876543',
      name: 'Bob',
      isBot: false,
      isAdmin: false,
      joinedAt: Date.parse('2025-06-11T18:03:09.337Z'),
    });
  });

  it('a modal submit carries its form values and its sender', () => {
    const i = interaction<ModalSubmitInteraction>(
      ModalSubmitInteraction,
      'interaction-create-modal-submit.json',
    );
    expect(i.customId).toBe('ostrom:submit:7');
    expect(i.fields.getTextInputValue('link')).toBe('  https://example.org/guide-de  ');
    expect(i.fields.getTextInputValue('note')).toBe('Übersetzt; Kapitel 3 bitte gegenlesen.');
    expect(actorOfInteraction(i)).toMatchObject({ userId: '1098765432109876543', name: 'Bob' });
  });
});

describe('Discord reactions → core vote', () => {
  const reactor = (name: string) => {
    const { d } = fixture<GatewayMessageReactionAddDispatch>(name);
    // discord.js caches the member a guild reaction carries, and takes the user from it.
    const member = build<GuildMember>(GuildMember, client, d.member, guild);
    return { d, user: member.user, member };
  };

  it('a skin-toned 👍🏽 is a yes vote under its own emoji, by the member who reacted', () => {
    const { d, user, member } = reactor('message-reaction-add-thumbs-up-medium.json');
    expect(user).toBeInstanceOf(User);
    expect(voteOf(d.emoji)).toEqual({ emoji: '👍🏽', value: 'yes' });
    expect(actorOfUser(user, member)).toEqual({
      userId: '1187654321098765432',
      name: 'Carol 🌱',
      isBot: false,
      joinedAt: Date.parse('2025-04-02T07:45:51.902Z'),
    });
    // Without a cached member (a removal carries none): the user's global name, no join date.
    expect(actorOfUser(user, null)).toEqual({
      userId: '1187654321098765432',
      name: 'Carol',
      isBot: false,
      joinedAt: undefined,
    });
  });

  it('a custom emoji is no vote, even when it is named like one (:thumbsup:)', () => {
    const { d } = reactor('message-reaction-add-custom-emoji.json');
    expect(d.emoji).toMatchObject({ id: '1290334455667788990', name: 'thumbsup' });
    expect(voteOf(d.emoji)).toBeUndefined();
    // The same name as a unicode reaction would count, so it is the id that rules it out.
    expect(voteOf({ id: null, name: d.emoji.name })).toEqual({ emoji: 'thumbsup', value: 'yes' });
  });
});
