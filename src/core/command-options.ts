/** Typed option builders: each carries its zod schema and what an adapter needs to offer it natively. */
import { z } from 'zod';
import { firstNonText, foldWhitespace } from './plain-text.js';
import { channelRef } from './rules.js';
import { canonicalSpdx } from './spdx.js';

export type OptionKind = 'text' | 'int' | 'choice' | 'member' | 'channel';

/** One named option of a command, shared by every door (Discord options, text `key:value`). */
export interface OptionSpec<Z extends z.ZodType = z.ZodType> {
  kind: OptionKind;
  description: string;
  required: boolean;
  zod: Z;
  /** How the option reads in usage lines: `N`, `a,b`, `URL` … */
  placeholder: string;
  choices?: readonly string[];
  min?: number;
  max?: number;
  maxLength?: number;
  /** Offer matching task or proposal numbers while typing (Discord autocomplete). */
  autocomplete?: 'task' | 'proposal';
  /** Keeps line breaks (a description, a body, a note); every other text option is one line. */
  multiline?: boolean;
}

type Req<S extends OptionSpec> = Omit<S, 'required'> & { required: true };

function spec<Z extends z.ZodType>(
  s: Omit<OptionSpec<Z>, 'required'>,
): OptionSpec<Z> & { req(): Req<OptionSpec<Z>> } {
  const o = { ...s, required: false } as OptionSpec<Z>;
  return Object.assign(o, { req: () => ({ ...o, required: true }) as Req<OptionSpec<Z>> });
}

const trimmed = (max: number) =>
  z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

const wholeNumber = (min: number, max: number, prefix: RegExp) =>
  z.preprocess(
    (v) => {
      if (typeof v !== 'string') return v;
      const s = v.trim().replace(prefix, '');
      return /^\d+$/.test(s) ? Number(s) : v;
    },
    z
      .number({ error: 'must be a whole number' })
      .int('must be a whole number')
      .min(min, `must be at least ${min}`)
      .max(max, `must be at most ${max}`),
  );

/**
 * The option's schema behind the plain-text guard (see plain-text.ts). Every option of every command
 * goes through here (`def` in commands.ts), whatever its kind and whichever door it came in by, so
 * Discord, Slack and the console refuse the same characters with the same message naming the option.
 */
export function plainOption(o: OptionSpec): z.ZodType {
  return z.preprocess((v, ctx) => {
    if (typeof v !== 'string') return v;
    const bad = firstNonText(v);
    if (bad) {
      ctx.addIssue({
        code: 'custom',
        message: `must be plain text: ${bad} is a control or text-direction character, not allowed`,
        input: v,
      });
      return z.NEVER;
    }
    return foldWhitespace(v, o.multiline ?? false);
  }, o.zod);
}

export const opt = {
  text: (description: string, maxLength = 200, placeholder = 'text') =>
    spec({ kind: 'text', description, zod: trimmed(maxLength), maxLength, placeholder }),
  /** Text that may span lines. */
  longText: (description: string, maxLength: number) =>
    spec({
      kind: 'text',
      description,
      zod: trimmed(maxLength),
      maxLength,
      placeholder: 'text',
      multiline: true,
    }),
  int: (description: string, min: number, max: number, placeholder = 'N') =>
    spec({ kind: 'int', description, zod: wholeNumber(min, max, /^#/), min, max, placeholder }),
  task: (description = 'Task number') =>
    spec({
      kind: 'int',
      description,
      zod: wholeNumber(1, 1e9, /^#/),
      min: 1,
      max: 1e9,
      placeholder: 'N',
      autocomplete: 'task',
    }),
  proposal: (description = 'Proposal number') =>
    spec({
      kind: 'int',
      description,
      zod: wholeNumber(1, 1e9, /^#?p?/i),
      min: 1,
      max: 1e9,
      placeholder: 'P',
      autocomplete: 'proposal',
    }),
  choice: <const C extends readonly [string, ...string[]]>(description: string, choices: C) =>
    spec({
      kind: 'choice',
      description,
      zod: z.preprocess(
        (v) => (typeof v === 'string' ? v.trim().toLowerCase() : v),
        z.enum(choices, { error: `must be one of ${choices.join(', ')}` }),
      ),
      choices,
      placeholder: choices.join('|'),
    }),
  list: (description: string, placeholder = 'a,b') =>
    spec({
      kind: 'text',
      description,
      maxLength: 200,
      placeholder,
      zod: trimmed(200).transform((s) =>
        [
          ...new Set(
            s
              .split(/[,\s]+/)
              .map((x) => x.trim().toLowerCase())
              .filter(Boolean),
          ),
        ].slice(0, 10),
      ),
    }),
  url: (description: string) =>
    spec({
      kind: 'text',
      description,
      maxLength: 500,
      placeholder: 'URL',
      zod: trimmed(500).refine((s) => /^https?:\/\/\S+$/i.test(s), 'must be an http(s) link'),
    }),
  license: (description: string) =>
    spec({
      kind: 'text',
      description,
      maxLength: 100,
      placeholder: 'SPDX',
      zod: trimmed(100).transform((s, ctx) => {
        const id = canonicalSpdx(s);
        if (!id) {
          ctx.addIssue({ code: 'custom', message: 'must be an SPDX license id such as CC-BY-SA-4.0 or MIT' });
          return z.NEVER;
        }
        return id;
      }),
    }),
  member: (description: string) =>
    spec({
      kind: 'member',
      description,
      zod: trimmed(100).transform((s) => s.replace(/^@/, '')),
      placeholder: 'member',
    }),
  /** `1234:3fa9…` (64 hex digits), as `/commons verify` prints a head; `#1234 3fa9…` too. */
  anchor: (description: string) =>
    spec({
      kind: 'text',
      description,
      maxLength: 100,
      placeholder: 'SEQ:HASH',
      zod: trimmed(100).transform((s, ctx) => {
        const m = /^#?(\d{1,15})[\s:]+([0-9a-f]{64})$/i.exec(s);
        if (!m) {
          ctx.addIssue({ code: 'custom', message: 'must be SEQ:HASH, an event number and its 64-hex hash' });
          return z.NEVER;
        }
        return { seq: Number(m[1]), hash: m[2]!.toLowerCase() };
      }),
    }),
  channel: (description: string) =>
    spec({
      kind: 'channel',
      description,
      zod: channelRef,
      placeholder: '#channel',
    }),
};
