/** One text line → command input: "/task post Fix docs skills:docs slots:2" (Slack and the console). */
import {
  commands,
  groups,
  isCommandName,
  subcommandsOf,
  usage,
  validateCommand,
  type CommandInput,
  type CommandName,
} from '../commands.js';
import { UserError } from './errors.js';

interface Token {
  text: string;
  /** Set when the token is `key:value`; quoted words never are. */
  key?: string;
  /** The token as typed, quotes included (for text that keeps its quotes). */
  raw?: string;
}

const OPTION = /^([a-zA-Z][\w.-]*):(.*)$/s;

/** Splits on spaces, keeping "quoted words" and key:"quoted values" whole. */
export function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && /\s/.test(line[i]!)) i++;
    if (i >= line.length) break;
    const start = i;
    let raw = '';
    let quoted = false;
    while (i < line.length && !/\s/.test(line[i]!)) {
      const ch = line[i]!;
      if (ch === '"' || ch === '“' || ch === '”') {
        const close = line.slice(i + 1).search(/["”]/);
        if (close < 0) throw new UserError('grammar.unclosedQuote');
        if (raw === '') quoted = true;
        raw += line.slice(i + 1, i + 1 + close);
        i += close + 2;
      } else {
        raw += ch;
        i++;
      }
    }
    const token = optionToken(raw, quoted);
    const typed = line.slice(start, i);
    tokens.push(token.key === undefined && typed !== token.text ? { ...token, raw: typed } : token);
  }
  return tokens;
}

function optionToken(raw: string, quoted: boolean): Token {
  if (quoted) return { text: raw };
  const m = OPTION.exec(raw);
  // "https://…" is a word, not an option named https.
  if (!m || m[2]!.startsWith('//')) return { text: raw };
  // Option names are read as command names are: case does not matter (`Slots:2` is `slots:2`).
  return { text: m[2]!, key: m[1]!.toLowerCase() };
}

/**
 * The rule for quotes: they group words. Around an option's value (`body:"a b"`) or around the whole
 * of a text such as a title (`/task post "Fix: the docs"`) they are syntax and dropped; anywhere else in
 * a text they are part of it, as typed (`Write the "Getting started" page`).
 */
function wordsText(words: Token[]): string {
  if (words.length === 1) return words[0]!.text;
  return words.map((w) => w.raw ?? w.text).join(' ');
}

/** The command name a line starts with, and the tokens after it. */
function commandOf(tokens: Token[]): { name: CommandName; rest: Token[] } {
  const head = tokens[0]?.text.replace(/^\//, '').toLowerCase() ?? '';
  if (isCommandName(head)) return { name: head, rest: tokens.slice(1) };
  if (!groups.includes(head)) {
    throw new UserError('command.unknown', {
      command: `/${head}`,
      valid: groups.map((g) => `/${g}`).join(', '),
    });
  }
  const subs = subcommandsOf(head);
  const sub = tokens[1];
  if (!sub || sub.key) throw new UserError('command.missingSub', { command: head, valid: subs.join(', ') });
  const name = `${head} ${sub.text.toLowerCase()}`;
  if (!isCommandName(name))
    throw new UserError('command.unknownSub', { command: head, sub: sub.text, valid: subs.join(', ') });
  return { name, rest: tokens.slice(2) };
}

/** A line read into its command and option texts, before the schema checks them. */
export interface CommandLine {
  name: CommandName;
  values: Record<string, string>;
}

/**
 * Reads one line into the command and its option texts (positional words placed), without validating
 * them: an adapter may still translate platform markup in the values (Slack's `<@U1|ana>`).
 */
export function readCommandLine(line: string): CommandLine {
  const { name, rest } = commandOf(tokenize(line.trim()));
  const c = commands[name];
  const values: Record<string, string> = {};
  const words: Token[] = [];
  for (const t of rest) {
    if (t.key === undefined) {
      words.push(t);
      continue;
    }
    if (t.key in values) throw new UserError('option.duplicate', { option: t.key });
    values[t.key] = t.text;
  }
  const pos = c.positional as readonly string[];
  for (let i = 0; i < pos.length && words.length > 0; i++) {
    const last = i === pos.length - 1;
    const value = last && c.rest ? wordsText(words.splice(0)) : words.shift()!.text;
    if (pos[i]! in values) throw new UserError('option.duplicate', { option: pos[i]! });
    values[pos[i]!] = value;
  }
  if (words.length > 0)
    throw new UserError('argument.extra', {
      command: `/${name}`,
      text: wordsText(words),
      usage: usage(name),
    });
  return { name, values };
}

/** Parses and validates one line; any problem is a coded user error that names what is valid. */
export function parseCommandLine(line: string): CommandInput {
  const { name, values } = readCommandLine(line);
  return validateCommand(name, values);
}
