/** Forms as neutral data: `/task post`, `/propose` and a task's submission, filled in instead of typed. */
import type { OptionSpec } from './shared/command-options.js';
import { commands, type CommandName } from './commands.js';
import type { NamedCommand } from './parse-command.js';
import type { FormField, FormView } from './shared/views.js';

type Field = [id: string, label: string, kind: FormField['kind'], placeholder?: string];

interface FormDef {
  command: CommandName;
  title: (n?: number) => string;
  submitLabel: string;
  fields: Field[];
  /** The option the number in the form's id fills (`submit:12` → task 12). */
  numbered?: string;
}

const defs: Record<string, FormDef> = {
  post: {
    command: 'task post',
    title: () => 'Post a task',
    submitLabel: 'Post',
    fields: [
      ['title', 'Title', 'short', 'What needs doing'],
      ['description', 'Description', 'paragraph', 'Details (optional)'],
      ['skills', 'Skills', 'short', 'Comma-separated, e.g. docs,design (optional)'],
      ['slots', 'Slots', 'short', 'How many may claim it together (default 1)'],
      ['license', 'License', 'short', 'SPDX id (default: the community license)'],
    ],
  },
  propose: {
    command: 'propose',
    title: () => 'Make a proposal',
    submitLabel: 'Propose',
    fields: [
      ['title', 'Title', 'short', 'The decision'],
      ['body', 'Details', 'paragraph', 'Why, and what changes (optional)'],
      ['rule', 'Decision rule', 'short'],
      ['hours', 'Hours until the deadline', 'short', 'Default: the community rule proposal.hours'],
      ['change', 'Rule change', 'short', 'key=value, applied if it passes (optional)'],
    ],
  },
  submit: {
    command: 'task submit',
    title: (n) => `Submit task #${n} for review`,
    submitLabel: 'Submit',
    numbered: 'task',
    fields: [
      ['link', 'Link to the work', 'short', 'https://…'],
      ['note', 'A note for reviewers', 'paragraph', 'optional'],
    ],
  },
};

function parseId(id: string): { def: FormDef; n?: number } | undefined {
  const m = /^([a-z]+)(?::(\d+))?$/.exec(id);
  const def = m && Object.hasOwn(defs, m[1]!) ? defs[m[1]!] : undefined;
  if (!m || !def || Boolean(def.numbered) !== (m[2] !== undefined)) return undefined;
  return { def, n: m[2] === undefined ? undefined : Number(m[2]) };
}

/** The form with this id (`post`, `propose`, `submit:12`), or undefined for an id Ostrom did not make. */
export function formOf(id: string): FormView | undefined {
  const found = parseId(id);
  if (!found) return undefined;
  const { def, n } = found;
  const options = commands[def.command].options as Record<string, OptionSpec>;
  return {
    id,
    title: def.title(n),
    submitLabel: def.submitLabel,
    fields: def.fields.map(([fid, label, kind, placeholder]) => {
      const o = options[fid]!;
      return {
        id: fid,
        label,
        kind,
        required: o.required,
        maxLength: o.maxLength ?? (o.max !== undefined ? String(o.max).length : 100),
        ...(placeholder && { placeholder }),
        ...(o.choices && { choices: o.choices }),
      };
    }),
  };
}

/**
 * The raw command a filled-in form stands for: empty fields are left out. `handle` checks the values
 * against the same schema as typed options (a problem is a coded user error naming the option, i.e.
 * the field). Undefined for a form Ostrom did not make.
 */
export function formCommand(
  id: string,
  values: Record<string, string | undefined>,
): NamedCommand | undefined {
  const found = parseId(id);
  if (!found) return undefined;
  const { def, n } = found;
  const filled: Record<string, unknown> = {};
  for (const [fid] of def.fields) {
    const v = values[fid]?.trim();
    if (v) filled[fid] = v;
  }
  if (def.numbered) filled[def.numbered] = n;
  return { name: def.command, options: filled };
}
