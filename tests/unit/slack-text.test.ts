import { describe, expect, it } from 'vitest';
import { commandOf as rawCommandOf, unescapeValue } from '../../adapters/slack/inbound.js';
import { parseCommand } from '../../src/core/parse-command.js';
import {
  cardMessage,
  escapeText,
  formModal,
  formValues,
  mrkdwn,
  viewBlocks,
} from '../../adapters/slack/render.js';
import { formOf, type View } from '../../src/core/index.js';
import { parseRuleAssignment } from '../../src/core/community/rules.js';

/** The slash command as `handle` checks it: split by the core, each value unescaped by the adapter. */
const commandOf = (command: string, text: string) => parseCommand(rawCommandOf(command, text));

describe("Slack's escaped command text", () => {
  it('reads a channel mention as the channel, as an option and as a rule assignment', () => {
    expect(commandOf('/commons', 'setup tasks:<#C123|tasks> proposals:<#C9>').args).toMatchObject({
      tasks: 'C123',
      proposals: 'C9',
    });
    const change = commandOf('/propose', 'Move tasks change:channels.tasks=<#C123|tasks>').args as {
      change: string;
    };
    expect(change.change).toBe('channels.tasks=C123');
    expect(parseRuleAssignment(change.change).value).toBe('C123');
    expect(commandOf('/commons', 'setup review.approvals=3 channels.tasks=<#C7|work>').args).toMatchObject({
      rules: 'review.approvals=3 channels.tasks=C7',
    });
  });

  it('reads a user mention as the member id, and a link as its URL', () => {
    expect(commandOf('/commons', 'profile <@U123|ana>').args).toEqual({ member: 'U123' });
    expect(commandOf('/commons', 'profile <@U123>').args).toEqual({ member: 'U123' });
    expect(
      commandOf('/task', 'submit 3 link:<https://example.org/a?b=1&amp;c=2|example.org/a>').args,
    ).toEqual({
      task: 3,
      link: 'https://example.org/a?b=1&c=2',
    });
  });

  it('turns markup in prose into what Slack shows, and entities into characters', () => {
    expect(unescapeValue('Ask <@U1|ana> in <#C1|general> about <https://x.org|x.org>')).toBe(
      'Ask @ana in #general about x.org',
    );
    expect(unescapeValue('<!channel> and <!here> and <!subteam^S1|@docs>')).toBe(
      '@channel and @here and @docs',
    );
    expect(unescapeValue('a &lt; b &amp;&amp; c &gt; d')).toBe('a < b && c > d');
    // Typed as text, `<@U1>` arrives escaped and stays text.
    expect(unescapeValue('&lt;@U1&gt; &amp;lt;')).toBe('<@U1> &lt;');
  });

  it('keeps a title with quotes as typed', () => {
    expect(commandOf('/task', 'post Write the "Getting started" page').args).toEqual({
      title: 'Write the "Getting started" page',
    });
  });
});

describe('Block Kit rendering', () => {
  const view: View = {
    title: 'Task #1 · <!channel> & <@U1>',
    url: 'https://example.org/a|b>',
    description: 'x'.repeat(5000),
    fields: [
      { name: 'Status', value: 'open', inline: true },
      { name: 'Notes', value: '<!here>', inline: false },
    ],
    footer: 'React ✅',
    tone: 'open',
    buttons: [
      { id: 'task.claim:1', label: 'Claim', style: 'primary' },
      { id: 'task.cancel:1', label: 'Cancel', style: 'secondary' },
    ],
  };

  it('escapes every text, keeps the link whole and stays within Slack limits', () => {
    const { text, blocks } = cardMessage(view);
    expect(text).toBe('Task #1 · &lt;!channel&gt; &amp; &lt;@U1&gt;');
    const json = JSON.stringify(blocks);
    expect(json).not.toMatch(/<!|<@/);
    expect(json).toContain('<https://example.org/a%7Cb&gt;|Task #1');
    for (const b of blocks)
      if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    expect(blocks.at(-1)).toMatchObject({
      type: 'actions',
      elements: [
        { action_id: 'ostrom:task.claim:1', style: 'primary' },
        { action_id: 'ostrom:task.cancel:1', text: { text: 'Cancel' } },
      ],
    });
    expect((blocks.at(-1) as { elements: object[] }).elements[1]).not.toHaveProperty('style');
  });

  it('counts entities against a limit', () => {
    expect(mrkdwn('&'.repeat(10), 20)).toBe('&amp;&amp;&amp;…');
    expect(mrkdwn('ab😀cd', 4)).toBe('ab…');
    expect(mrkdwn('a<b', 9)).toBe('a&lt;b');
    expect(escapeText('<>&')).toBe('&lt;&gt;&amp;');
  });

  it('puts inline fields side by side, at most ten to a section', () => {
    const many: View = {
      title: 't',
      fields: Array.from({ length: 12 }, (_, i) => ({ name: `f${i}`, value: 'v', inline: true })),
      tone: 'open',
    };
    const sections = viewBlocks(many).filter((b) => b.type === 'section' && b.fields);
    expect(sections.map((s) => (s as { fields: unknown[] }).fields.length)).toEqual([10, 2]);
  });
});

describe('forms as Slack modals', () => {
  it('render fields as inputs and choices as a select, and read the values back', () => {
    const modal = formModal(formOf('propose')!, '{"channel":"C1"}');
    expect(modal).toMatchObject({ callback_id: 'ostrom:propose', title: { text: 'Make a proposal' } });
    const rule = modal.blocks.find((b) => b.type === 'input' && b.block_id === 'rule');
    expect(rule).toMatchObject({ optional: true, element: { type: 'static_select', action_id: 'rule' } });
    const title = modal.blocks.find((b) => b.type === 'input' && b.block_id === 'title');
    expect(title).toMatchObject({ optional: false, element: { type: 'plain_text_input', max_length: 200 } });
    expect(
      formValues({
        title: { title: { value: 'Adopt' } },
        rule: { rule: { selected_option: { value: 'lazy' } } },
        body: { body: { value: null } },
      }),
    ).toEqual({ title: 'Adopt', rule: 'lazy' });
  });

  it('keep a long title in the modal body when it is over Slack’s 24 characters', () => {
    const modal = formModal(formOf('submit:123')!, '{}');
    expect(modal.title.text).toBe('Submit');
    expect(modal.blocks[0]).toMatchObject({
      type: 'section',
      text: { text: '*Submit task #123 for review*' },
    });
  });
});
