import { describe, expect, it } from 'vitest';
import { formCommand, formOf } from '../../src/core/index.js';
import { UserError } from '../../src/core/shared/errors.js';
import { parseCommand } from '../../src/core/parse-command.js';

/** A filled-in form as `handle` checks it. */
const checked = (id: string, values: Record<string, string>) => parseCommand(formCommand(id, values)!);

describe('forms', () => {
  it('describe the fields of /task post with the limits of its options', () => {
    const form = formOf('post')!;
    expect(form.title).toBe('Post a task');
    expect(form.fields.map((f) => f.id)).toEqual(['title', 'description', 'skills', 'slots', 'license']);
    expect(form.fields[0]).toMatchObject({ kind: 'short', required: true, maxLength: 200 });
    expect(form.fields[1]).toMatchObject({ kind: 'paragraph', required: false, maxLength: 2000 });
    expect(form.fields.find((f) => f.id === 'slots')).toMatchObject({ maxLength: 2 });
  });

  it('offer the decision rules of /propose as choices', () => {
    expect(formOf('propose')!.fields.find((f) => f.id === 'rule')?.choices).toEqual([
      'lazy',
      'consent',
      'majority',
      'supermajority',
    ]);
  });

  it('carry the task number of a submission in their id', () => {
    expect(formOf('submit:12')!.title).toBe('Submit task #12 for review');
    expect(checked('submit:12', { link: ' https://example.org/x ', note: '' })).toEqual({
      name: 'task submit',
      args: { task: 12, link: 'https://example.org/x' },
    });
  });

  it('check the values with the command schema and name the field that is wrong', () => {
    expect(checked('post', { title: 'Fix', slots: '2', skills: 'a, b' })).toEqual({
      name: 'task post',
      args: { title: 'Fix', slots: 2, skills: ['a', 'b'] },
    });
    try {
      checked('post', { title: 'Fix', slots: 'many' });
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      expect((e as UserError).params.option).toBe('slots');
    }
  });

  it('know no id Ostrom did not make', () => {
    for (const id of ['submit', 'post:3', 'nope', 'toString', 'submit:x']) {
      expect(formOf(id)).toBeUndefined();
      expect(formCommand(id, {})).toBeUndefined();
    }
  });
});
