/** Neutral cards: title, fields, tally, buttons — each adapter renders them its own way. */

export type Tone =
  'open' | 'claimed' | 'review' | 'done' | 'cancelled' | 'passed' | 'rejected' | 'neutral' | 'warning';

export interface ViewField {
  name: string;
  value: string;
  inline?: boolean;
}

/** A button does what a command does; `id` is stable text an adapter can carry as its custom id. */
export interface ViewButton {
  id: string;
  label: string;
  style: 'primary' | 'success' | 'danger' | 'secondary';
}

export interface View {
  title: string;
  url?: string;
  description?: string;
  fields: ViewField[];
  footer?: string;
  tone: Tone;
  buttons?: ViewButton[];
}

/** One field of a form: it fills the command option of the same name. */
export interface FormField {
  id: string;
  label: string;
  /** One line, or several. */
  kind: 'short' | 'paragraph';
  required: boolean;
  maxLength: number;
  placeholder?: string;
  /** Only these values (a select where the platform has one). */
  choices?: readonly string[];
}

/**
 * A form a member fills in instead of typing options (a modal on Slack and Discord). `id` is stable
 * text such as `submit:12` an adapter carries as its custom id; `formCommand` turns the values into
 * the command the form stands for.
 */
export interface FormView {
  id: string;
  title: string;
  submitLabel: string;
  fields: FormField[];
}

/** A file for the user, e.g. the ledger export. */
export interface FileOut {
  name: string;
  mime: string;
  content: string;
}

/** What the user who acted is told. Private replies are ephemeral where the platform allows. */
export interface Reply {
  text: string;
  view?: View;
  file?: FileOut;
  private: boolean;
}

/** Something only an adapter can do on its platform. */
export type Effect =
  /** Post a card; when `cardKey` is set, the adapter reports the message id back with `recordCard`. */
  | { type: 'post'; channelId: string; view: View; cardKey?: string; thread?: { name: string } }
  /** Re-render a card already posted (its message is found by `cardKey`). */
  | { type: 'update'; cardKey: string; view: View }
  /** Post text in the card's thread (or under the card where the platform has no threads). */
  | { type: 'thread'; cardKey: string; text: string }
  /** A short plain message in a channel. */
  | { type: 'say'; channelId: string; text: string }
  /** A personal notice to a member (a DM, or a mention where DMs are closed). */
  | { type: 'notify'; userId: string; text: string };

/** Cuts to at most `max` UTF-16 units, ending in "…", without splitting a surrogate pair (an emoji). */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max <= 0) return '';
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** How many names a list on a card shows before "and N more". */
export const NAMES_SHOWN = 10;

/**
 * Joins names, cutting to "a, b and N more" past `max`. `total` is how many there are when `names`
 * holds only the first of them (at least `max`, or all).
 */
export function nameList(names: string[], max = NAMES_SHOWN, total = names.length): string {
  if (total === 0) return '—';
  if (total <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${total - max} more`;
}

/** `2026-01-08 12:00 UTC`: ISO date and time, always UTC so every member reads the same deadline. */
export function formatTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
