import { ApplicationCommandOptionType } from 'discord-api-types/v10';
import { describe, expect, it } from 'vitest';
import { discordCommands } from '../../adapters/discord/command-builder.js';
import { voteOf } from '../../adapters/discord/emoji.js';
import { cardMessage, plain, textMessage, toComponents, toEmbed } from '../../adapters/discord/render.js';
import { buttonCommand, commandNames, type View } from '../../src/core/index.js';
import { parseCommand } from '../../src/core/parse-command.js';

describe('Discord commands built from the core specs', () => {
  const built = discordCommands();

  it('covers every core command, as top-level commands or subcommands', () => {
    const names = built.flatMap((c) =>
      c.options?.some((o) => o.type === ApplicationCommandOptionType.Subcommand)
        ? c.options.map((o) => `${c.name} ${o.name}`)
        : [c.name],
    );
    expect(names.sort()).toEqual([...commandNames].sort());
    expect(built.map((c) => c.name).sort()).toEqual([
      'commons',
      'digest',
      'help',
      'proposal',
      'propose',
      'review',
      'task',
      'vote',
    ]);
  });

  it('meets Discord limits: names, descriptions of at most 100, required options first', () => {
    const check = (
      opts: { name: string; description: string; required?: boolean; options?: unknown[] }[],
    ) => {
      let optionalSeen = false;
      for (const o of opts) {
        expect(o.name).toMatch(/^[-_a-z0-9]{1,32}$/);
        expect(o.description.length).toBeGreaterThan(0);
        expect(o.description.length).toBeLessThanOrEqual(100);
        if (o.required) expect(optionalSeen).toBe(false);
        else optionalSeen = true;
        if (o.options) check(o.options as typeof opts);
      }
    };
    check(built as never);
  });

  it('types options: task numbers as integers with autocomplete, members as users, channels as channels', () => {
    const task = built.find((c) => c.name === 'task')!;
    const claim = task.options!.find((o) => o.name === 'claim') as {
      options: { name: string; type: number; autocomplete?: boolean }[];
    };
    expect(claim.options[0]).toMatchObject({
      name: 'task',
      type: ApplicationCommandOptionType.Integer,
      autocomplete: true,
    });
    const commons = built.find((c) => c.name === 'commons')!;
    const setup = commons.options!.find((o) => o.name === 'setup') as {
      options: { name: string; type: number }[];
    };
    expect(setup.options.find((o) => o.name === 'tasks')?.type).toBe(ApplicationCommandOptionType.Channel);
    const ledger = commons.options!.find((o) => o.name === 'ledger') as {
      options: { name: string; type: number }[];
    };
    expect(ledger.options[0]?.type).toBe(ApplicationCommandOptionType.User);
  });
});

describe('Discord rendering', () => {
  const huge: View = {
    title: 'T'.repeat(500),
    description: 'D'.repeat(5000),
    fields: Array.from({ length: 40 }, (_, i) => ({ name: `F${i}`.repeat(100), value: 'v'.repeat(2000) })),
    footer: 'f'.repeat(3000),
    tone: 'open',
    buttons: Array.from({ length: 7 }, (_, i) => ({
      id: `task.claim:${i}`,
      label: `B${i}`,
      style: 'primary' as const,
    })),
  };

  it('keeps an embed within 256/4096/25×(256,1024)/2048 and 6000 in all', () => {
    const e = toEmbed(huge);
    expect(e.title!.length).toBeLessThanOrEqual(256);
    expect(e.description!.length).toBeLessThanOrEqual(4096);
    expect(e.fields!.length).toBeLessThanOrEqual(25);
    for (const f of e.fields!) {
      expect(f.name.length).toBeLessThanOrEqual(256);
      expect(f.value.length).toBeLessThanOrEqual(1024);
    }
    const total =
      e.title!.length +
      e.description!.length +
      e.footer!.text.length +
      e.fields!.reduce((n, f) => n + f.name.length + f.value.length, 0);
    expect(total).toBeLessThanOrEqual(6000);
  });

  it('puts buttons five to a row with ostrom: ids, and disables every mention', () => {
    const rows = toComponents(huge.buttons);
    expect(rows.map((r) => r.components.length)).toEqual([5, 2]);
    expect(rows[0]!.components[0]).toMatchObject({ custom_id: 'ostrom:task.claim:0', label: 'B0' });
    expect(cardMessage({ title: '@everyone', fields: [], tone: 'open' }).allowedMentions).toEqual({
      parse: [],
    });
  });

  it('maps buttons to the commands they stand for', () => {
    const checked = (id: string) => {
      const raw = buttonCommand(id);
      return raw && parseCommand(raw);
    };
    expect(checked('task.claim:12')).toEqual({ name: 'task claim', args: { task: 12 } });
    expect(checked('review.object:3')).toEqual({
      name: 'review',
      args: { task: 3, verdict: 'object' },
    });
    expect(checked('vote.abstain:4')).toEqual({
      name: 'vote',
      args: { proposal: 4, choice: 'abstain' },
    });
    expect(checked('something.else:1')).toBeUndefined();
  });

  it('counts only the voting emoji of SPEC §3, never custom emoji', () => {
    expect(voteOf({ name: '✅' })).toEqual({ emoji: '✅', value: 'yes' });
    expect(voteOf({ name: '👎' })).toEqual({ emoji: '👎', value: 'no' });
    expect(voteOf({ name: '➖' })).toEqual({ emoji: '➖', value: 'abstain' });
    expect(voteOf({ name: '🎉' })).toBeUndefined();
    expect(voteOf({ id: '123', name: 'yes' })).toBeUndefined();
  });
});

describe('Discord: what members wrote is shown as typed', () => {
  it.each([
    ['**bold** and __underline__', '\\*\\*bold\\*\\* and \\_\\_underline\\_\\_'],
    ['*it* _it_', '\\*it\\* \\_it\\_'],
    ['~~gone~~ ||secret||', '\\~\\~gone\\~\\~ \\|\\|secret\\|\\|'],
    ['[docs](https://evil.example)', '\\[docs](https://evil.example)'],
    // Code spans are inert (nothing in them formats, links or mentions): backticks stay.
    ['`code` and ```block```', '`code` and ```block```'],
    ['# Heading', '\\# Heading'],
    ['> quoted\n>>> all quoted', '\\> quoted\n\\>>> all quoted'],
    ['-# small print', '\\-# small print'],
    ['- item\n1. first', '\\- item\n1\\. first'],
    ['@everyone and @here', '@\u200beveryone and @\u200bhere'],
    [
      '<@123> <@!123> <@&9> <#42> </task post:1> <t:0:R> <:party:1>',
      // A channel link names a channel and pings nobody: it stays.
      '\\<@123> \\<@!123> \\<@&9> <#42> \\</task post:1> \\<t:0:R> \\<:party:1>',
    ],
    ['back\\slash', 'back\\\\slash'],
    ['plain words, #12 and 3 < 4', 'plain words, #12 and 3 < 4'],
    ['https://example.org/a_b_c*d', 'https://example.org/a_b_c*d'],
  ])('%j → %j', (typed, shown) => {
    expect(plain(typed)).toBe(shown);
  });

  it('escapes the title, description and fields of a card, not the footer, and still fits the limits', () => {
    const e = toEmbed({
      title: 'Task #1 · **x** [y](https://evil)',
      description: '# big',
      fields: [{ name: '@everyone', value: '[a](https://evil)' }],
      footer: '/task claim 1',
      tone: 'open',
    });
    expect(e).toMatchObject({
      title: 'Task #1 · \\*\\*x\\*\\* \\[y](https://evil)',
      description: '\\# big',
      fields: [{ name: '@\u200beveryone', value: '\\[a](https://evil)' }],
      footer: { text: '/task claim 1' },
    });
    const starry = toEmbed({ title: '*'.repeat(256), fields: [], tone: 'open' });
    expect(starry.title!.length).toBeLessThanOrEqual(256);
  });

  it('escapes plain text messages and keeps them within 2000', () => {
    expect(textMessage('✅ Task #1 "**x**" accepted.')).toEqual({
      content: '✅ Task #1 "\\*\\*x\\*\\*" accepted.',
      allowedMentions: { parse: [] },
    });
    expect(textMessage('_'.repeat(2000)).content.length).toBeLessThanOrEqual(2000);
  });
});
