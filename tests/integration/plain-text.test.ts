import { describe, expect, it } from 'vitest';
import { commands, type CommandName } from '../../src/core/index.js';
import { makeCore } from '../helpers/core.js';

const ESC = '\u001b';
const NOT_TEXT = [
  ['NUL', '\u0000'],
  ['BEL', '\u0007'],
  ['ESC', ESC],
  ['DEL', '\u007f'],
  ['C1 CSI', '\u009b'],
  ['RIGHT-TO-LEFT OVERRIDE', '\u202e'],
  ['LEFT-TO-RIGHT EMBEDDING', '\u202a'],
  ['FIRST STRONG ISOLATE', '\u2068'],
  ['POP DIRECTIONAL ISOLATE', '\u2069'],
] as const;

/** The reply to a command with named options (Discord options, a form): the core's error. */
async function typedError(
  h: ReturnType<typeof makeCore>,
  name: CommandName,
  values: Record<string, unknown>,
): Promise<string> {
  const out = await h.core.handle({
    type: 'command',
    community: h.community,
    channelId: 'general',
    actor: { userId: 'alice', name: 'alice', isAdmin: true },
    command: { name, options: values },
  });
  if (!out.error) throw new Error(`${name} accepted ${JSON.stringify(values)}`);
  return out.reply!.text;
}

/** The reply to a text line (console, Slack): the core's error, from the grammar or a rule. */
async function textError(h: ReturnType<typeof makeCore>, line: string): Promise<string> {
  const out = await h.cmd('alice', line);
  if (!out.error) throw new Error(`${line} was accepted`);
  return out.reply!.text;
}

describe('user text is plain text', () => {
  it.each(NOT_TEXT)(
    'a title with %s is refused, naming the option, on the text and the typed door',
    async (_, ch) => {
      const h = makeCore();
      const text = await textError(h, `/task post Fix the ${ch}docs`);
      const code = `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
      expect(text.startsWith(`Invalid \`title\` for \`/task post\`: must be plain text: ${code} `)).toBe(
        true,
      );
      expect(text).not.toContain(ch);
      expect((await h.counts()).tasks).toBe(0);
      expect(await typedError(h, 'task post', { title: `Fix ${ch}` })).toMatch(
        /^Invalid `title` for `\/task post`: must be plain text/,
      );
    },
  );

  it('every text option of every command is guarded, multi-line ones too', async () => {
    const h = makeCore();
    const checked: string[] = [];
    for (const [name, c] of Object.entries(commands)) {
      for (const [option, spec] of Object.entries(c.options)) {
        if (spec.kind === 'int' || spec.kind === 'choice') continue;
        const values: Record<string, unknown> = {};
        for (const [k, s] of Object.entries(c.options))
          if (s.required) values[k] = s.kind === 'int' ? 1 : (s.choices?.[0] ?? 'x');
        values[option] = `a${ESC}[31mb`;
        expect(await typedError(h, name as CommandName, values)).toContain(
          `Invalid \`${option}\` for \`/${name}\`: must be plain text: U+001B`,
        );
        checked.push(`${name} ${option}`);
      }
    }
    expect(checked).toEqual(
      expect.arrayContaining([
        'task post title',
        'task post description',
        'task submit note',
        'propose body',
        'review reason',
        'commons setup rules',
        'commons ledger member',
      ]),
    );
  });

  it('line breaks and tabs fold to spaces on one line, and stay line breaks in a description', async () => {
    const h = makeCore();
    await h.ok(
      'alice',
      '/task post "Line one\r\nLine\ttwo" description:"First\r\nsecond\rthird\u2028fourth\tend"',
    );
    const task = await h.one('select title, description from tasks');
    expect(task).toEqual({ title: 'Line one Line two', description: 'First\nsecond\nthird\nfourth end' });
  });

  it('an echoed unknown word shows a control character as U+001B, never raw', async () => {
    const h = makeCore();
    expect(await textError(h, `/task claim 1 ${ESC}[2J`)).toBe(
      'Unexpected `U+001B[2J` after `/task claim`. Usage: /task claim <task>',
    );
  });

  it('a platform display name loses its control and text-direction characters', async () => {
    const h = makeCore();
    const out = await h.core.handle({
      type: 'command',
      community: h.community,
      channelId: 'general',
      actor: { userId: 'mallory', name: `Mal\u202eyrol${ESC}[5m\nX` },
      command: { name: 'task post', options: { title: 'Hello' } },
    });
    expect(out.error).toBeUndefined();
    const m = await h.one("select display_name from members where user_id = 'mallory'");
    expect(m).toEqual({ display_name: 'Malyrol[5m X' });
  });
});
