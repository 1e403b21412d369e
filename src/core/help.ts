/** `/help [command]`, generated from the command specs so it cannot drift from them. */
import type { OptionSpec } from './shared/command-options.js';
import { commandNames, commands, groups, isCommandName, subcommandsOf, usage } from './commands.js';
import { UserError } from './shared/errors.js';
import { voteEmojiHelp } from './votes/vote-emoji.js';
import type { Reply } from './shared/views.js';

const VOTES = voteEmojiHelp();

export function help(topic?: string): Reply {
  if (!topic) {
    const lines = commandNames.map((n) => `${usage(n)}\n    ${commands[n].summary}`);
    return {
      private: true,
      text: `Ostrom commands:\n${lines.join('\n')}\n${VOTES}\nMore: /help <command>, e.g. /help task post`,
    };
  }
  const name = topic.replace(/^\//, '').trim().toLowerCase().replace(/\s+/g, ' ');
  if (isCommandName(name)) {
    const c = commands[name];
    const opts = Object.entries(c.options as Record<string, OptionSpec>).map(
      ([k, o]) =>
        `  ${k}${o.required ? '' : ' (optional)'}: ${o.description}${o.choices ? ` — ${o.choices.join(', ')}` : ''}`,
    );
    return { private: true, text: `${usage(name)}\n${c.summary}\n${opts.join('\n')}` };
  }
  if (groups.includes(name)) {
    const lines = subcommandsOf(name).map(
      (s) =>
        `${usage(`${name} ${s}` as never)} — ${commands[`${name} ${s}` as keyof typeof commands].summary}`,
    );
    return { private: true, text: lines.join('\n') };
  }
  throw new UserError('help.unknown', { command: topic, valid: groups.map((g) => `/${g}`).join(', ') });
}
