/** Neutral views → Discord embeds and buttons, within Discord's limits. */
import {
  ButtonStyle,
  ComponentType,
  type APIActionRowComponent,
  type APIButtonComponent,
  type APIEmbed,
} from 'discord-api-types/v10';
import { truncate, type Tone, type View, type ViewButton } from '../../src/core/index.js';

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

/** Embed limits: 256 title, 4096 description, 25 fields of 256/1024, 2048 footer, 6000 in all. */
export function toEmbed(view: View): APIEmbed {
  const embed: APIEmbed = {
    title: truncate(view.title, 256),
    color: colors[view.tone],
    description: view.description ? truncate(view.description, 4096) : undefined,
    url: view.url && /^https?:\/\//.test(view.url) ? view.url : undefined,
    fields: view.fields.slice(0, 25).map((f) => ({
      name: truncate(f.name, 256) || '\u200b',
      value: truncate(f.value, 1024) || '—',
      inline: f.inline ?? false,
    })),
    footer: view.footer ? { text: truncate(view.footer, 2048) } : undefined,
  };
  let total = embedSize(embed);
  while (total > 6000 && embed.fields && embed.fields.length > 0) {
    embed.fields.pop();
    total = embedSize(embed);
  }
  if (total > 6000 && embed.description)
    embed.description = truncate(embed.description, Math.max(0, embed.description.length - (total - 6000)));
  return embed;
}

function embedSize(e: APIEmbed): number {
  const fields = (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);
  return (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.footer?.text.length ?? 0) + fields;
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
