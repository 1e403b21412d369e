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

/** The view cut to the core's limits (Discord's embed limits are the tightest), as an embed. */
export function toEmbed(view: View): APIEmbed {
  const v = fitView(view);
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

/** Discord's 2000-character message limit, for plain text. */
export function textMessage(text: string) {
  return { content: truncate(text, 2000), allowedMentions: { parse: [] } };
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
