import { describe, expect, it } from 'vitest';
import type { DigestData, Listed, SkillGroup, TaskItem } from '../../src/core/digests/data.js';
import { fillLines, LINE_MAX, renderDigest } from '../../src/core/digests/views.js';
import {
  DESCRIPTION_MAX,
  FIELD_NAME_MAX,
  FIELD_VALUE_MAX,
  FIELDS_MAX,
  fitView,
  FOOTER_MAX,
  SLACK_BLOCKS_MAX,
  slackBlocks,
  TITLE_MAX,
  TOTAL_MAX,
  viewLength,
} from '../../src/core/shared/view-limits.js';
import type { View } from '../../src/core/shared/views.js';

const NOW = Date.UTC(2026, 2, 28, 8, 0);
const HOUR = 3_600_000;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Every platform limit, asserted one by one so a failure names the limit. */
function expectWithinLimits(v: View): void {
  expect(v.title.length).toBeGreaterThan(0);
  expect(v.title.length).toBeLessThanOrEqual(TITLE_MAX);
  expect(v.description?.length ?? 0).toBeLessThanOrEqual(DESCRIPTION_MAX);
  expect(v.footer?.length ?? 0).toBeLessThanOrEqual(FOOTER_MAX);
  expect(v.fields.length).toBeLessThanOrEqual(FIELDS_MAX);
  for (const f of v.fields) {
    expect(f.name.trim().length).toBeGreaterThan(0);
    expect(f.value.trim().length).toBeGreaterThan(0);
    expect(f.name.length).toBeLessThanOrEqual(FIELD_NAME_MAX);
    expect(f.value.length).toBeLessThanOrEqual(FIELD_VALUE_MAX);
  }
  const total =
    v.title.length +
    (v.description?.length ?? 0) +
    (v.footer?.length ?? 0) +
    v.fields.reduce((n, f) => n + f.name.length + f.value.length, 0);
  expect(total).toBeLessThanOrEqual(TOTAL_MAX);
  expect(viewLength(v)).toBe(total);
  expect(slackBlocks(v)).toBeLessThanOrEqual(SLACK_BLOCKS_MAX);
  for (const text of [
    v.title,
    v.description ?? '',
    v.footer ?? '',
    ...v.fields.flatMap((f) => [f.name, f.value]),
  ]) {
    expect(text).not.toMatch(LONE_SURROGATE);
  }
}

const none = <T>(): Listed<T> => ({ items: [], total: 0 });

function empty(over: Partial<DigestData> = {}): DigestData {
  return {
    community: 'Commons Lab',
    channelId: 'general',
    now: NOW,
    since: NOW - 7 * 24 * HOUR,
    firstDigest: true,
    tz: 'UTC',
    newTasks: none(),
    open: { total: 0, totalGroups: 0, groups: [] },
    awaitingReview: none(),
    closingProposals: none(),
    accepted: none(),
    expiringClaims: none(),
    ...over,
  };
}

const task = (n: number, title = `Task number ${n}`, skills = ['docs']): TaskItem => ({
  number: n,
  title,
  skills,
  slots: 1,
  taken: 0,
});
const range = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
const field = (v: View, prefix: string) => v.fields.find((f) => f.name.startsWith(prefix));
/** Lines of a field that show an item (not the "…and N more" line). */
const itemLines = (value: string) => value.split('\n').filter((l) => !l.startsWith('…and '));

/** The open tasks a loader returns for `perSkill` tasks in each of `skills` groups: 5 loaded per group. */
function openTasks(skills: number, perSkill: number, other = 0): DigestData['open'] {
  const groups: SkillGroup[] = range(0, Math.min(skills, 8)).map((s) => ({
    skill: `skill-${s}`,
    total: perSkill,
    items: range(s * perSkill + 1, Math.min(5, perSkill)).map((n) => task(n, `Task ${n}`, [`skill-${s}`])),
  }));
  if (other)
    groups.push({
      skill: null,
      total: other,
      items: range(90_001, Math.min(5, other)).map((n) => task(n, `Task ${n}`, [])),
    });
  return { total: skills * perSkill + other, totalGroups: skills + (other ? 1 : 0), groups };
}

describe('digest renderer', () => {
  it('renders an empty digest with no sections and says all is quiet', () => {
    const v = renderDigest(empty());
    expectWithinLimits(v);
    expect(v.fields).toEqual([]);
    expect(v.description).toContain('All quiet');
  });

  it('renders one open task in its skill group, with no "and more"', () => {
    const v = renderDigest(
      empty({
        open: {
          total: 1,
          totalGroups: 1,
          groups: [{ skill: 'docs', total: 1, items: [task(1, 'Write the guide')] }],
        },
      }),
    );
    expectWithinLimits(v);
    expect(v.fields).toEqual([{ name: 'Open · docs (1)', value: '#1 Write the guide' }]);
    expect(v.description).toContain('1 open with a free slot');
  });

  it('shows free slots of shared tasks and groups tasks without a skill under "other"', () => {
    const shared: TaskItem = { number: 4, title: 'Translate', skills: [], slots: 3, taken: 1 };
    const v = renderDigest(
      empty({ open: { total: 1, totalGroups: 1, groups: [{ skill: null, total: 1, items: [shared] }] } }),
    );
    expect(v.fields).toEqual([{ name: 'Open · other (1)', value: '#4 Translate · 2 of 3 slots free' }]);
  });

  it('renders 10,000 open tasks as loaded (five per skill) with the right "and N more"', () => {
    const open = openTasks(30, 330, 100); // 30 skills × 330 + 100 without a skill = 10,000
    expect(open.total).toBe(10_000);
    const newTasks = { total: 10_000, items: range(1, 10).map((n) => task(n)) };
    const v = renderDigest(empty({ open, newTasks }));
    expectWithinLimits(v);
    expect(field(v, 'New tasks this week (10000)')!.value).toMatch(/\n…and 9990 more$/);
    expect(field(v, 'Open · skill-0 (330)')!.value).toBe(
      ['#1 Task 1', '#2 Task 2', '#3 Task 3', '#4 Task 4', '#5 Task 5', '…and 325 more'].join('\n'),
    );
    expect(field(v, 'Open · other (100)')!.value).toMatch(/\n…and 95 more$/);
    // 30 skills and "other" were counted; 9 groups were loaded and shown; the 22 others are summed up.
    expect(field(v, 'Open · more skills')!.value).toBe('…and 22 more skills');
    expect(v.description).toContain('10000 new · 10000 open with a free slot');
  });

  it('stays within every limit when a caller hands it all 10,000 tasks of every section', () => {
    const many = {
      total: 10_000,
      items: range(1, 10_000).map((n) => task(n, `A fairly long task title number ${n} for the digest`)),
    };
    const groups: SkillGroup[] = range(0, 40).map((s) => ({
      skill: `s${s}`,
      total: 10_000,
      items: many.items,
    }));
    const v = renderDigest(
      empty({
        newTasks: many,
        open: { total: 10_000, totalGroups: 40, groups },
        awaitingReview: {
          total: 10_000,
          items: many.items.map((t) => ({
            taskNumber: t.number,
            title: t.title,
            submittedAt: NOW,
            approvals: 1,
            needed: 2,
            objectors: ['carol'],
          })),
        },
        closingProposals: {
          total: 10_000,
          items: many.items.map((t) => ({
            number: t.number,
            title: t.title,
            closesAt: NOW + 5 * HOUR,
            yes: 2,
            no: 1,
            abstain: 0,
            notVoted: 7,
          })),
        },
        accepted: {
          total: 10_000,
          items: many.items.map((t) => ({
            taskNumber: t.number,
            title: t.title,
            contributors: ['bob'],
            reviewers: ['carol', 'dave'],
            license: 'MIT',
            acceptedAt: NOW,
          })),
        },
        expiringClaims: {
          total: 10_000,
          items: many.items.map((t) => ({
            taskNumber: t.number,
            title: t.title,
            member: 'bob',
            expiresAt: NOW + 30 * HOUR,
          })),
        },
      }),
    );
    expectWithinLimits(v);
    expect(v.fields).toHaveLength(FIELDS_MAX);
    // 19 skill fields fit beside the 5 other sections and the summary field of the 21 skills left.
    expect(v.fields.filter((f) => /^Open · s\d+ /.test(f.name))).toHaveLength(FIELDS_MAX - 6);
    for (const f of v.fields) {
      const skills = f.name === 'Open · more skills';
      const total = skills ? 40 - (FIELDS_MAX - 6) : 10_000;
      const shown = itemLines(f.value).length;
      expect(shown).toBeLessThan(total);
      expect(
        f.value.endsWith(`\n…and ${total - shown} ${skills ? 'more skills' : 'more'}`) || shown === 0,
      ).toBe(true);
    }
    // Every non-skill section keeps at least one item line; sections share the 6000 characters.
    for (const name of ['New tasks', 'Awaiting review', 'Proposals closing', 'Accepted', 'Claims expiring']) {
      expect(itemLines(field(v, name)!.value).length).toBeGreaterThan(0);
    }
  });

  it('shows each section with its tally, and says how many approvals are missing', () => {
    const v = renderDigest(
      empty({
        firstDigest: false,
        awaitingReview: {
          total: 1,
          items: [
            {
              taskNumber: 3,
              title: 'Fix the build',
              submittedAt: NOW,
              approvals: 1,
              needed: 3,
              objectors: ['carol'],
            },
          ],
        },
        closingProposals: {
          total: 1,
          items: [
            {
              number: 2,
              title: 'Adopt MIT',
              closesAt: NOW + 5 * HOUR,
              yes: 2,
              no: 1,
              abstain: 1,
              notVoted: 6,
            },
          ],
        },
        accepted: {
          total: 1,
          items: [
            {
              taskNumber: 1,
              title: 'Guide',
              contributors: ['bob'],
              reviewers: ['carol', 'dave'],
              license: 'CC-BY-SA-4.0',
              acceptedAt: NOW,
            },
          ],
        },
        expiringClaims: {
          total: 1,
          items: [{ taskNumber: 5, title: 'Logo', member: 'erin', expiresAt: NOW + 50 * HOUR }],
        },
      }),
    );
    expectWithinLimits(v);
    expect(v.fields.map((f) => [f.name, f.value])).toEqual([
      ['Awaiting review (1)', '#3 Fix the build · 1/3 approvals, 2 missing · 1 objection (carol)'],
      [
        'Proposals closing within 48 h (1)',
        'P2 Adopt MIT · closes in 5 h · yes 2 · no 1 · abstain 1 · 6 not voted yet',
      ],
      ['Accepted into the commons (1)', '#1 Guide · by bob · reviewed by carol, dave · CC-BY-SA-4.0'],
      ['Claims expiring within 3 days (1)', '#5 Logo · erin · expires in 2 days'],
    ]);
  });

  it('keeps huge titles, names, skills and emoji within the limits without splitting an emoji', () => {
    const huge = '🦊'.repeat(3000);
    const item = task(1, `${huge} title`, [huge]);
    const people = Array.from({ length: 50 }, (_, i) => `${'Zoë, "the" '.repeat(300)}${i}`);
    const v = renderDigest(
      empty({
        community: huge,
        newTasks: { total: 3, items: [item, item, item] },
        open: { total: 1, totalGroups: 1, groups: [{ skill: huge, total: 1, items: [item] }] },
        awaitingReview: {
          total: 2,
          items: [
            { taskNumber: 1, title: huge, submittedAt: NOW, approvals: 0, needed: 2, objectors: people },
          ],
        },
        closingProposals: {
          total: 1,
          items: [{ number: 1, title: huge, closesAt: NOW + HOUR, yes: 0, no: 0, abstain: 0, notVoted: 3 }],
        },
        accepted: {
          total: 1,
          items: [
            {
              taskNumber: 1,
              title: huge,
              contributors: people,
              reviewers: people,
              license: 'MIT',
              acceptedAt: NOW,
            },
          ],
        },
        expiringClaims: {
          total: 1,
          items: [{ taskNumber: 1, title: huge, member: huge, expiresAt: NOW + HOUR }],
        },
      }),
    );
    expectWithinLimits(v);
    for (const f of v.fields)
      for (const l of f.value.split('\n')) expect(l.length).toBeLessThanOrEqual(LINE_MAX);
    expect(field(v, 'Awaiting review (2)')!.value).toMatch(/\n…and 1 more$/);
  });
});

describe('fillLines', () => {
  it('takes every line when they fit exactly, and counts the rest otherwise', () => {
    const s = { lines: ['#1 A · docs', '#2 B'], total: 2 };
    expect(fillLines(s, 16)).toBe('#1 A · docs\n#2 B');
    expect(fillLines(s, 15)).toBe('…and 2 more');
    expect(fillLines({ lines: ['#1 A', '#2 B'], total: 7 }, 1024)).toBe('#1 A\n#2 B\n…and 5 more');
  });
});

describe('fitView', () => {
  it('cuts any view to the limits', () => {
    const big: View = {
      title: 'T'.repeat(1000),
      description: 'D'.repeat(10_000),
      footer: 'F'.repeat(5000),
      fields: Array.from({ length: 40 }, (_, i) => ({
        name: `N${i}`.repeat(200),
        value: i % 2 ? '' : '🎉'.repeat(2000),
      })),
      tone: 'neutral',
    };
    const v = fitView(big);
    expectWithinLimits(v);
    expect(v.fields.length).toBeGreaterThan(0);
  });

  it('leaves a view within the limits as it is', () => {
    const v: View = {
      title: 'Digest',
      description: 'x',
      fields: [{ name: 'a', value: 'b' }],
      footer: 'f',
      tone: 'neutral',
    };
    expect(fitView(v)).toEqual(v);
  });
});
