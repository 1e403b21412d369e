/** Neutral views and forms → Block Kit, with every piece of text escaped so no user text pings or links. */
import type {
  ActionsBlock,
  Button,
  ContextBlock,
  InputBlock,
  KnownBlock,
  ModalView,
  PlainTextElement,
  SectionBlock,
} from '@slack/types';
import { fitView, truncate, type FormView, type View, type ViewButton } from '../../src/core/index.js';

/**
 * Slack's escaping: `&`, `<` and `>` become entities, so `<!channel>`, `<!here>` or `<@U123>` typed in a
 * title is shown as text and pings nobody.
 */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Escaped mrkdwn of at most `max` characters once escaped (entities count against Slack's limits). */
export function mrkdwn(text: string, max: number): string {
  const full = escapeText(text);
  if (full.length <= max) return full;
  let used = 0;
  let end = 0;
  for (; end < text.length; end++) {
    const width = escapeText(text[end]!).length;
    if (used + width > max - 1) break;
    used += width;
  }
  // Never split a surrogate pair (an emoji).
  const last = text.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end--;
  return `${escapeText(text.slice(0, end))}…`;
}

const plain = (text: string, max: number): PlainTextElement => ({
  type: 'plain_text',
  text: truncate(text.trim() === '' ? '—' : text, max),
  emoji: true,
});

/** Slack's limits: section text 3000, a section's fields 10 of 2000, context 2000, button text 75. */
const SECTION_MAX = 3000;
const FIELD_MAX = 2000;
const TEXT_MAX = 39_000;

/** A link `<url|label>`; a `|` or `>` in the URL would end it early, so they are percent-encoded. */
function link(url: string, label: string): string {
  const safe = escapeText(url.replace(/\|/g, '%7C'));
  return `<${safe}|${label}>`;
}

const styles: Record<ViewButton['style'], Button['style']> = {
  primary: 'primary',
  success: 'primary',
  danger: 'danger',
  secondary: undefined,
};

function buttons(list: ViewButton[]): ActionsBlock {
  return {
    type: 'actions',
    block_id: 'ostrom:buttons',
    elements: list.slice(0, 25).map((b) => ({
      type: 'button',
      action_id: `ostrom:${b.id}`,
      value: b.id,
      text: plain(b.label, 75),
      ...(styles[b.style] && { style: styles[b.style] }),
    })),
  };
}

/** The view within the core's limits as blocks: title, description, fields (inline ones side by side), footer, buttons. */
export function viewBlocks(view: View): KnownBlock[] {
  const v = fitView(view);
  const title = `*${mrkdwn(v.title, 256)}*`;
  const head = v.url && /^https?:\/\//.test(v.url) ? `*${link(v.url, mrkdwn(v.title, 256))}*` : title;
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: head } }];
  if (v.description)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: mrkdwn(v.description, SECTION_MAX) } });
  let inline: SectionBlock | undefined;
  for (const f of v.fields) {
    const text = `*${mrkdwn(f.name, 256)}*\n${mrkdwn(f.value, FIELD_MAX - 260)}`;
    if (f.inline) {
      if (!inline || inline.fields!.length >= 10) {
        inline = { type: 'section', fields: [] };
        blocks.push(inline);
      }
      inline.fields!.push({ type: 'mrkdwn', text });
    } else {
      inline = undefined;
      blocks.push({ type: 'section', text: { type: 'mrkdwn', text } });
    }
  }
  if (v.footer) {
    const footer: ContextBlock = {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: mrkdwn(v.footer, FIELD_MAX) }],
    };
    blocks.push(footer);
  }
  if (v.buttons?.length) blocks.push(buttons(v.buttons));
  return blocks;
}

/** A card message: blocks, and the title as the notification text (escaped too). */
export function cardMessage(view: View): { text: string; blocks: KnownBlock[] } {
  return { text: mrkdwn(fitView(view).title, 256), blocks: viewBlocks(view) };
}

/** Plain text, escaped and within Slack's message limit. */
export function textMessage(text: string): { text: string } {
  return { text: mrkdwn(text, TEXT_MAX) };
}

/** What Slack shows a modal's title in: 24 characters. */
const MODAL_TITLE_MAX = 24;

/** A neutral form as a modal; `metadata` (the channel it was opened from) comes back on submission. */
export function formModal(form: FormView, metadata: string): ModalView {
  const short = form.title.length <= MODAL_TITLE_MAX;
  const inputs: InputBlock[] = form.fields.map((f) => ({
    type: 'input',
    block_id: f.id,
    optional: !f.required,
    label: plain(f.label, 2000),
    element: f.choices
      ? {
          type: 'static_select',
          action_id: f.id,
          placeholder: plain('Choose…', 150),
          options: f.choices.map((c) => ({ text: plain(c, 75), value: c })),
        }
      : {
          type: 'plain_text_input',
          action_id: f.id,
          multiline: f.kind === 'paragraph',
          max_length: Math.min(f.maxLength, 3000),
          ...(f.placeholder && { placeholder: plain(f.placeholder, 150) }),
        },
  }));
  const heading: KnownBlock[] = short
    ? []
    : [{ type: 'section', text: { type: 'mrkdwn', text: `*${mrkdwn(form.title, 256)}*` } }];
  return {
    type: 'modal',
    callback_id: `ostrom:${form.id}`,
    title: plain(short ? form.title : form.submitLabel, MODAL_TITLE_MAX),
    submit: plain(form.submitLabel, MODAL_TITLE_MAX),
    close: plain('Cancel', MODAL_TITLE_MAX),
    private_metadata: metadata,
    blocks: [...heading, ...inputs],
  };
}

/** The submitted values of a modal's inputs and selects, by field id. */
export function formValues(
  state: Record<
    string,
    Record<string, { value?: string | null; selected_option?: { value?: string } | null }>
  >,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [blockId, actions] of Object.entries(state)) {
    for (const a of Object.values(actions)) {
      const v = a.value ?? a.selected_option?.value;
      if (typeof v === 'string') out[blockId] = v;
    }
  }
  return out;
}
