/** One zod schema per command: the single contract that Discord options, Slack text and the console meet. */
import { z } from 'zod';
import { opt, plainOption, type OptionSpec } from './command-options.js';
import { UserError } from './errors.js';

interface CommandDef<O extends Record<string, OptionSpec>> {
  summary: string;
  /** Options filled from the words after the command, in order; `rest` takes all remaining words. */
  positional?: readonly (keyof O & string)[];
  rest?: boolean;
  options: O;
}

type Shape<O extends Record<string, OptionSpec>> = {
  [K in keyof O]: O[K]['required'] extends true ? O[K]['zod'] : z.ZodOptional<O[K]['zod']>;
};

function def<O extends Record<string, OptionSpec>>(d: CommandDef<O>) {
  const shape = Object.fromEntries(
    Object.entries(d.options).map(([k, o]) => {
      const zod = plainOption(o);
      return [k, o.required ? zod : zod.optional()];
    }),
  ) as Shape<O>;
  return { ...d, positional: d.positional ?? [], rest: d.rest ?? false, schema: z.strictObject(shape) };
}

const verdicts = ['approve', 'object'] as const;
const ballots = ['yes', 'no', 'abstain'] as const;
const rulesOpt = ['lazy', 'consent', 'majority', 'supermajority'] as const;
const days = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export const commands = {
  'task post': def({
    summary: 'Broadcast a task anyone may claim',
    positional: ['title'],
    rest: true,
    options: {
      title: opt.text('What needs doing', 200).req(),
      description: opt.longText('Details', 2000),
      skills: opt.list('Skills it needs, comma-separated'),
      slots: opt.int('How many people may claim it together', 1, 20),
      license: opt.license('License of the result (SPDX id); default the community license'),
    },
  }),
  'task list': def({
    summary: 'List tasks (only you see it)',
    options: {
      status: opt.choice('Which tasks', ['open', 'claimed', 'review', 'done', 'all']),
      skill: opt.text('Only tasks needing this skill', 50),
      mine: opt.choice('Only tasks you claimed', ['yes', 'no']),
    },
  }),
  'task show': def({
    summary: 'Status, claimants, submissions and votes',
    positional: ['task'],
    options: { task: opt.task().req() },
  }),
  'task claim': def({
    summary: 'Self-assign a task',
    positional: ['task'],
    options: { task: opt.task().req() },
  }),
  'task unclaim': def({
    summary: 'Release your claim',
    positional: ['task'],
    options: { task: opt.task().req() },
  }),
  'task submit': def({
    summary: 'Ask peers to review your work',
    positional: ['task'],
    options: {
      task: opt.task().req(),
      link: opt.url('Link to the work'),
      note: opt.longText('A note for reviewers', 1000),
    },
  }),
  'task cancel': def({
    summary: 'Withdraw your task while unclaimed',
    positional: ['task'],
    options: { task: opt.task().req(), reason: opt.text('Why', 500) },
  }),
  review: def({
    summary: "Approve or object to a task's open submission",
    positional: ['task', 'verdict'],
    options: {
      task: opt.task().req(),
      verdict: opt.choice('Your verdict', verdicts).req(),
      reason: opt.text('Why', 500),
    },
  }),
  propose: def({
    summary: 'Put a decision to the community',
    positional: ['title'],
    rest: true,
    options: {
      title: opt.text('The decision', 200).req(),
      body: opt.longText('Details', 3000),
      rule: opt.choice('Decision rule', rulesOpt),
      hours: opt.int('Hours until the deadline', 1, 720),
      change: opt.text('A rule change key=value, applied if it passes', 200, 'key=value'),
    },
  }),
  vote: def({
    summary: 'Vote on a proposal',
    positional: ['proposal', 'choice'],
    options: {
      proposal: opt.proposal().req(),
      choice: opt.choice('Your vote', ballots).req(),
      reason: opt.text('Why', 500),
    },
  }),
  'proposal list': def({
    summary: 'List proposals',
    options: { status: opt.choice('Which proposals', ['open', 'closed', 'all']) },
  }),
  'proposal show': def({
    summary: 'A proposal and its tally',
    positional: ['proposal'],
    options: { proposal: opt.proposal().req() },
  }),
  'proposal withdraw': def({
    summary: 'Withdraw your proposal before its deadline',
    positional: ['proposal'],
    options: { proposal: opt.proposal().req() },
  }),
  'digest now': def({ summary: 'Post a digest in this channel', options: {} }),
  'digest schedule': def({
    summary: 'Post digests here on a schedule',
    positional: ['cadence'],
    options: {
      cadence: opt.choice('How often', ['daily', 'weekly', 'off']).req(),
      at: opt.text('Time of day, HH:MM', 5, 'HH:MM'),
      day: opt.choice('Day of the week, for weekly', days),
      tz: opt.text('Time zone, Area/City', 64, 'Area/City'),
    },
  }),
  'commons setup': def({
    summary: 'First rules of the community (platform admin, once)',
    positional: ['rules'],
    rest: true,
    options: {
      tasks: opt.channel('Channel for task cards'),
      proposals: opt.channel('Channel for proposal cards'),
      license: opt.license('Default license of contributions (SPDX id)'),
      rules: opt.text('Other rules as key=value, space-separated', 1000, 'key=value …'),
    },
  }),
  'commons config': def({ summary: 'The rules, and which proposal set each', options: {} }),
  'commons ledger': def({
    summary: 'Accepted contributions',
    positional: ['member'],
    options: { member: opt.member('Only this member') },
  }),
  'commons export': def({
    summary: 'The whole ledger as a file',
    options: { format: opt.choice('File format', ['json', 'csv']) },
  }),
  'commons profile': def({
    summary: 'Contributions, reviews given, votes cast',
    positional: ['member'],
    options: { member: opt.member('Whose profile; default yours') },
  }),
  'commons audit': def({
    summary: 'Recent audit events',
    positional: ['n'],
    options: { n: opt.int('How many', 1, 100) },
  }),
  'commons verify': def({
    summary: 'Check the audit chain, the ledger and the tasks against it',
    positional: ['anchor'],
    rest: true,
    options: { anchor: opt.anchor('A head saved earlier, SEQ:HASH: the chain must still hold it') },
  }),
  help: def({
    summary: 'Usage',
    positional: ['command'],
    rest: true,
    options: { command: opt.text('A command', 50) },
  }),
};

export type CommandName = keyof typeof commands;
export type CommandArgs<N extends CommandName> = z.output<(typeof commands)[N]['schema']>;
/** A validated command: the only shape the core accepts. */
export type CommandInput = { [N in CommandName]: { name: N; args: CommandArgs<N> } }[CommandName];

export const commandNames = Object.keys(commands) as CommandName[];
/** Top-level names: `task`, `review`, `propose` … */
export const groups = [...new Set(commandNames.map((n) => n.split(' ')[0]!))];

export function subcommandsOf(group: string): string[] {
  return commandNames.filter((n) => n.startsWith(`${group} `)).map((n) => n.split(' ')[1]!);
}

export function isCommandName(name: string): name is CommandName {
  return Object.hasOwn(commands, name);
}

/** `/task post <title> [description:text] …` */
export function usage(name: CommandName): string {
  const c = commands[name];
  const pos = c.positional as readonly string[];
  const parts = [`/${name}`];
  for (const p of pos) {
    const o = (c.options as Record<string, OptionSpec>)[p]!;
    const shown = o.choices ? o.choices.join('|') : p;
    parts.push(o.required ? `<${shown}>` : `[${shown}]`);
  }
  for (const [k, o] of Object.entries(c.options as Record<string, OptionSpec>)) {
    if (!pos.includes(k)) parts.push(o.required ? `${k}:${o.placeholder}` : `[${k}:${o.placeholder}]`);
  }
  return parts.join(' ');
}

/** Validates named values against the command's schema; a problem becomes a coded user error. */
export function validateCommand(name: CommandName, values: Record<string, unknown>): CommandInput {
  const c = commands[name];
  const known = Object.keys(c.options);
  for (const k of Object.keys(values)) {
    if (!known.includes(k)) {
      throw new UserError('option.unknown', {
        option: k,
        command: `/${name}`,
        valid: known.join(', ') || 'none',
      });
    }
  }
  const parsed = c.schema.safeParse(values);
  if (parsed.success) return { name, args: parsed.data } as CommandInput;
  const issue = parsed.error.issues[0]!;
  const option = String(issue.path[0] ?? '');
  if (values[option] === undefined) {
    throw new UserError('option.missing', { command: `/${name}`, option, usage: usage(name) });
  }
  throw new UserError('option.invalid', {
    command: `/${name}`,
    option,
    problem: issue.message,
    usage: usage(name),
  });
}
