/** How Slack requests are answered, and how a submitted modal becomes a command (or errors shown in it). */
import type { RespondArguments, RespondFn } from '@slack/bolt';
import { formCommand, formOf, UserError, type CommandInput, type Reply } from '../../src/core/index.js';
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

/**
 * A submitted form as a command, or the error to show under the field that is wrong (Slack keeps the
 * form open then). Undefined for a form Ostrom did not make.
 */
export function submittedForm(
  callbackId: string,
  state: FormState,
): { input: CommandInput } | { errors: Record<string, string> } | undefined {
  const id = callbackId.replace(/^ostrom:/, '');
  const form = formOf(id);
  if (!form) return undefined;
  try {
    return { input: formCommand(id, formValues(state))! };
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    const field = form.fields.find((f) => f.id === err.params.option)?.id ?? form.fields[0]!.id;
    return { errors: { [field]: err.message } };
  }
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
