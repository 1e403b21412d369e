/** How Slack requests are answered, and how a submitted modal becomes a command (or errors shown in it). */
import type { RespondArguments, RespondFn } from '@slack/bolt';
import { formCommand, formOf, type NamedCommand, type Outcome, type Reply } from '../../src/core/index.js';
import { cardMessage, formValues, textMessage } from './render.js';

/** Tells the member who acted: ephemerally, or in the channel. */
export type Answer = (reply: Reply) => Promise<unknown>;

/** The message a reply is: its card, or its text. */
export function replyMessage(reply: Reply) {
  return reply.view ? cardMessage(reply.view) : textMessage(reply.text);
}

/** Answers on a command's or a button's response URL, never replacing the card clicked. */
export function respondWith(respond: RespondFn): Answer {
  return (reply) => {
    const message: RespondArguments = {
      response_type: reply.private ? 'ephemeral' : 'in_channel',
      replace_original: false,
      ...replyMessage(reply),
    };
    return respond(message);
  };
}

/** `/task post` and `/propose` with nothing after them open their form. */
export function formFor(command: string, text: string): string | undefined {
  const t = text.trim().toLowerCase();
  if (command === '/task' && t === 'post') return 'post';
  if (command === '/propose' && t === '') return 'propose';
  return undefined;
}

type FormState = Parameters<typeof formValues>[0];

/** A submitted form as the raw command the core checks; undefined for a form Ostrom did not make. */
export function submittedForm(callbackId: string, state: FormState): NamedCommand | undefined {
  return formCommand(callbackId.replace(/^ostrom:/, ''), formValues(state));
}

/**
 * The error to show under the field that is wrong when the core rejected a value of the form (Slack
 * keeps the form open then); undefined for any other outcome, which is answered as usual.
 */
export function fieldErrors(callbackId: string, out: Outcome): Record<string, string> | undefined {
  const form = formOf(callbackId.replace(/^ostrom:/, ''));
  const error = out.error;
  if (!form || error?.option === undefined) return undefined;
  const field = form.fields.find((f) => f.id === error.option)?.id ?? form.fields[0]!.id;
  return { [field]: error.message };
}

/** What a form carries from where it was opened: the channel. */
export function formMetadata(channelId: string): string {
  return JSON.stringify({ channel: channelId });
}

export function channelOfMetadata(metadata: string): string {
  try {
    const parsed = JSON.parse(metadata) as { channel?: unknown };
    return typeof parsed.channel === 'string' ? parsed.channel : '';
  } catch {
    return '';
  }
}
