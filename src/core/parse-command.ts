/**
 * The raw command an adapter hands `handle`, and the one step that parses and validates it: every
 * door (typed text, Discord options, buttons, forms) ends in the same schema, and a problem is a coded
 * user error that `handle` returns as a value like any other.
 */
import { groups, isCommandName, validateCommand, type CommandInput } from './commands.js';
import { UserError } from './shared/errors.js';
import { readCommandLine } from './shared/grammar.js';

/** A command as typed: `/task post Fix docs slots:2` (the console, Slack). */
export interface TypedCommand {
  text: string;
  /**
   * How the platform's markup in one option's text reads (Slack's `<#C1|tasks>` → `C1`): applied to
   * each value once the line is split, before the schema checks it. Pure; it never throws.
   */
  unescape?: (value: string) => string;
}

/** A command by name with its option values (Discord slash commands, buttons, forms). */
export interface NamedCommand {
  name: string;
  options: Record<string, unknown>;
}

/** What an adapter hands the core: not yet checked. */
export type RawCommand = TypedCommand | NamedCommand;

/** The validated command; a problem throws a coded user error (`handle` turns it into a value). */
export function parseCommand(raw: RawCommand): CommandInput {
  if ('text' in raw) {
    const { name, values } = readCommandLine(raw.text);
    const { unescape } = raw;
    if (!unescape) return validateCommand(name, values);
    return validateCommand(
      name,
      Object.fromEntries(Object.entries(values).map(([k, v]) => [k, unescape(v)])),
    );
  }
  if (!isCommandName(raw.name))
    throw new UserError('command.unknown', {
      command: `/${raw.name}`,
      valid: groups.map((g) => `/${g}`).join(', '),
    });
  return validateCommand(raw.name, raw.options);
}
