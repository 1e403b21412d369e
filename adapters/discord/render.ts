/** Neutral views → Discord embeds and buttons, within Discord's limits. */
import {
  ButtonStyle,
  ComponentType,
  TextInputStyle,
  type APIModalInteractionResponseCallbackData,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
} from 'discord-api-types/v10';
import { escapeMarkdown } from 'discord.js';
import {
  fitView,
  truncate,
  type FormView,
  type Tone,
  type View,
  type ViewButton,
} from '../../src/core/index.js';

const colors: Record<Tone, number> = {
  open: 0x3b82f6,
  claimed: 0xf59e0b,
  review: 0x8b5cf6,
  done: 0x22c55e,
  passed: 0x22c55e,
  cancelled: 0x6b7280,
  rejected: 0xef4444,
  warning: 0xef4444,
  neutral: 0x6b7280,
};

const styles: Record<ViewButton['style'], ButtonStyle> = {
  primary: ButtonStyle.Primary,
  success: ButtonStyle.Success,
  danger: ButtonStyle.Danger,
  secondary: ButtonStyle.Secondary,
};

/**
 * Text shown as written. The core's texts are plain text and carry what members typed (titles, names,
 * reasons), so nothing in them may format, link or mention on Discord: markdown (bold, italics,
 * underline, strike, spoilers, headings, lists, `>` quotes, `-#` subtext, masked links) is
 * backslash-escaped, mention syntax (`<@id>`, `<@&id>`, `</cmd:id>`, `<t:…>`, custom emoji) too, and
 * `@everyone`/`@here` get a zero-width space (they never ping anyway: mentions are disabled).
 * Backticks stay: a code span is inert (nothing in it formats, links or mentions), and Ostrom's own
 * hints such as `/task claim 3` read as code. Channel links `<#id>` stay: they name, never ping.
 */
export function plain(text: string): string {
  return escapeMarkdown(text, {
    heading: true,
    bulletedList: true,
    numberedList: true,
    maskedLink: true,
    inlineCode: false,
    codeBlock: false,
  })
    .replace(/^(\s*)(>|-#)/gm, '$1\\$2')
    .replace(/<(?=[@/]|t:|a?:\w)/g, '\\<')
    .replace(/@(everyone|here)/g, '@\u200b$1');
}

/** Every text of a view that Discord renders as markdown (a footer it does not). */
function plainView(view: View): View {
  return {
    ...view,
    title: plain(view.title),
    description: view.description === undefined ? undefined : plain(view.description),
    fields: view.fields.map((f) => ({ ...f, name: plain(f.name), value: plain(f.value) })),
  };
}

/** The view, its text escaped, cut to the core's limits (Discord's embed limits are the tightest), as an embed. */
export function toEmbed(view: View): APIEmbed {
  // Escaped before cutting, so the backslashes count against the limits.
  const v = fitView(plainView(view));
  return {
    title: v.title,
    color: colors[v.tone],
    description: v.description,
    url: v.url && /^https?:\/\//.test(v.url) ? v.url : undefined,
    fields: v.fields.map((f) => ({ name: f.name, value: f.value, inline: f.inline ?? false })),
    footer: v.footer ? { text: v.footer } : undefined,
  };
}

/** Buttons, five to a row, at most five rows. */
export function toComponents(buttons: ViewButton[] = []): APIActionRowComponent<APIButtonComponent>[] {
  const rows: APIActionRowComponent<APIButtonComponent>[] = [];
  for (let i = 0; i < Math.min(buttons.length, 25); i += 5) {
    rows.push({
      type: ComponentType.ActionRow,
      components: buttons.slice(i, i + 5).map((b) => ({
        type: ComponentType.Button,
        custom_id: `ostrom:${b.id}`,
        label: b.label,
        style: styles[b.style] as ButtonStyle.Primary,
      })),
    });
  }
  return rows;
}

/** Message payload for a card; mentions are never parsed, so a title of "@everyone" pings nobody. */
export function cardMessage(view: View) {
  return { embeds: [toEmbed(view)], components: toComponents(view.buttons), allowedMentions: { parse: [] } };
}

/** Plain text as a message: escaped, within Discord's 2000-character limit, mentions never parsed. */
export function textMessage(text: string) {
  return { content: truncate(plain(text), 2000), allowedMentions: { parse: [] } };
}

/** A neutral form as a Discord modal (title and labels at most 45 characters, inputs at most 4000). */
export function toModal(form: FormView): APIModalInteractionResponseCallbackData {
  return {
    custom_id: `ostrom:${form.id}`,
    title: truncate(form.title, 45),
    components: form.fields.slice(0, 5).map((f) => ({
      type: ComponentType.ActionRow,
      components: [
        {
          type: ComponentType.TextInput,
          custom_id: f.id,
          label: truncate(f.label, 45),
          style: f.kind === 'paragraph' ? TextInputStyle.Paragraph : TextInputStyle.Short,
          required: f.required,
          max_length: Math.min(f.maxLength, 4000),
          placeholder: truncate(f.choices ? f.choices.join(' | ') : (f.placeholder ?? ''), 100) || undefined,
        },
      ],
    })),
  };
}
