import { describe, expect, it } from 'vitest';
import { parseCommandLine, tokenize } from '../../src/core/shared/grammar.js';
import { UserError } from '../../src/core/shared/errors.js';
import { parseRuleAssignment } from '../../src/core/community/rules.js';

function errorOf(line: string): UserError {
  try {
    parseCommandLine(line);
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error(`"${line}" parsed without error`);
}

describe('text grammar', () => {
  it('reads the primary words as the title and key:value pairs as options', () => {
    expect(parseCommandLine('/task post Write the contributor guide skills:docs,writing slots:2')).toEqual({
      name: 'task post',
      args: { title: 'Write the contributor guide', skills: ['docs', 'writing'], slots: 2 },
    });
  });

  it('keeps quoted values and quoted words whole', () => {
    const input = parseCommandLine(
      '/propose Adopt CC-BY-SA-4.0 for docs rule:consent hours:72 body:"Our docs have no license yet"',
    );
    expect(input).toEqual({
      name: 'propose',
      args: {
        title: 'Adopt CC-BY-SA-4.0 for docs',
        rule: 'consent',
        hours: 72,
        body: 'Our docs have no license yet',
      },
    });
    expect(tokenize('"a: b" c')).toEqual([{ text: 'a: b', raw: '"a: b"' }, { text: 'c' }]);
  });

  it('keeps quotes inside a title as typed, and drops them around a whole title or an option value', () => {
    expect(parseCommandLine('/task post Write the "Getting started" page').args).toEqual({
      title: 'Write the "Getting started" page',
    });
    expect(parseCommandLine('/task post Write the “Getting started” page').args).toEqual({
      title: 'Write the “Getting started” page',
    });
    expect(parseCommandLine('/task post "Fix: the docs" skills:docs').args).toEqual({
      title: 'Fix: the docs',
      skills: ['docs'],
    });
    expect(parseCommandLine('/task post Read "a: b" first description:"x y"').args).toEqual({
      title: 'Read "a: b" first',
      description: 'x y',
    });
    expect(parseCommandLine('/propose Adopt "CoC" body:"Our \'code\' of conduct"').args).toEqual({
      title: 'Adopt "CoC"',
      body: "Our 'code' of conduct",
    });
  });

  it('treats a URL as a word, not as an option named https', () => {
    expect(parseCommandLine('/task submit 3 link:https://example.org/a?b=c:d')).toEqual({
      name: 'task submit',
      args: { task: 3, link: 'https://example.org/a?b=c:d' },
    });
  });

  it('accepts #N for tasks and PN for proposals', () => {
    expect(parseCommandLine('/task claim #12')).toEqual({ name: 'task claim', args: { task: 12 } });
    expect(parseCommandLine('/vote P3 yes')).toEqual({ name: 'vote', args: { proposal: 3, choice: 'yes' } });
  });

  it('canonicalises an SPDX license id and refuses a made-up one', () => {
    expect(parseCommandLine('/task post X license:mit').args).toMatchObject({ license: 'MIT' });
    expect(errorOf('/task post X license:NOPE-1.0').message).toMatch(/SPDX/);
  });

  it.each([
    ['/frobnicate', 'command.unknown', /Commands: .*\/task/],
    ['/task', 'command.missingSub', /post, list, show, claim/],
    ['/task frob 1', 'command.unknownSub', /Valid: post/],
    ['/task post Hi colour:red', 'option.unknown', /Valid options: title, description/],
    ['/task claim abc', 'option.invalid', /whole number/],
    ['/task claim', 'option.missing', /needs task/],
    ['/task claim 1 2', 'argument.extra', /Unexpected `2`/],
    ['/task post Hi slots:0', 'option.invalid', /at least 1/],
    ['/review 1 maybe', 'option.invalid', /approve, object/],
    ['/task post "unclosed', 'grammar.unclosedQuote', /quote/],
    ['/task post Hi slots:1 slots:2', 'option.duplicate', /twice/],
  ])('%s is refused with %s', (line, code, message) => {
    const e = errorOf(line);
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
  });

  it('refuses a 10,000-character title, naming the limit', () => {
    expect(errorOf(`/task post ${'x'.repeat(10_000)}`).message).toMatch(/at most 200 characters/);
  });
});

describe('channel values', () => {
  it('read an id, #name or a platform mention the same way, in options and in rule assignments', () => {
    expect(parseRuleAssignment('channels.tasks=<#C42|general>').value).toBe('C42');
    expect(parseRuleAssignment('channels.proposals=<#123456>').value).toBe('123456');
    expect(parseRuleAssignment('channels.tasks=#work').value).toBe('work');
    expect(parseCommandLine('/commons setup tasks:<#C42|general> proposals:#gov').args).toMatchObject({
      tasks: 'C42',
      proposals: 'gov',
    });
  });
});
