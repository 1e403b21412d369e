import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { CommandName, Outcome } from '../../src/core/index.js';
import { REPLY_MAX } from '../../src/core/commons/ledger.js';
import { CSV_COLUMNS, type ExportEntry, type LedgerExport } from '../../src/core/commons/export.js';
import { makeCore, type Harness } from '../helpers/core.js';

const TITLES = [
  'Fix the "quick start", then the FAQ',
  'A comma, and; a semicolon',
  'Emoji 🎉🦊 and quotes: "a", \'b\', “c”',
  '=SUM(A1:A2) is text, not a formula',
  '+1, -1 and @here, "all" of it',
  '-2+3',
  '@everyone',
  '＝HYPERLINK("https://evil")',
];

/** What a spreadsheet must not run: a cell starting like a formula is prefixed with `'`. */
const FORMULA_START = /^[=+\-@\t\r＝＋－＠]/;
const safeCell = (s: string) => (FORMULA_START.test(s) ? `'${s}` : s);

let events = 0;

/** A command with typed options, as Discord sends it: no text grammar, so any character may be in a title. */
async function typed(
  h: Harness,
  user: { id: string; name: string },
  name: CommandName,
  values: Record<string, unknown>,
): Promise<Outcome> {
  const out = await h.core.handle({
    type: 'command',
    eventId: `typed${++events}`,
    community: h.community,
    channelId: 'general',
    actor: { userId: user.id, name: user.name, isAdmin: user.id === 'alice' },
    command: { name, options: values },
  });
  if (out.error) throw new Error(`${name} → ${out.error.message}`);
  return out;
}

const alice = { id: 'alice', name: 'Alice' };
const bob = { id: 'bob', name: 'Bob, "B" 🦊' };
const carol = { id: 'carol', name: '@Carol; C.' };
const dave = { id: 'dave', name: '=Dave "D"' };

/** Posts, claims, submits and accepts (two approvals) one task per title. */
async function acceptAll(h: Harness, titles: string[]): Promise<void> {
  for (const [i, title] of titles.entries()) {
    const n = i + 1;
    await typed(h, alice, 'task post', { title, license: i % 2 ? 'MIT' : undefined });
    await typed(h, bob, 'task claim', { task: n });
    await typed(h, bob, 'task submit', {
      task: n,
      link: i === 1 ? undefined : `https://example.org/pr/${n}?a=1,b=2`,
    });
    await typed(h, carol, 'review', { task: n, verdict: 'approve' });
    await typed(h, dave, 'review', { task: n, verdict: 'approve' });
    h.clock.advance(60_000);
  }
}

async function exported(h: Harness, format?: 'json' | 'csv') {
  const out = await typed(h, alice, 'commons export', { format });
  expect(out.effects).toEqual([]);
  return out.reply!;
}

describe('commons export', () => {
  it("JSON keeps the exact text; CSV parses back to the same rows, formula-like cells prefixed with '", async () => {
    const h = makeCore();
    await acceptAll(h, TITLES);
    const before = await h.dump();

    const json = await exported(h);
    expect(json).toMatchObject({
      private: true,
      text: `Ledger export: ${TITLES.length} entries`,
      file: { name: 'ostrom-ledger-2026-01-05.json', mime: 'application/json' },
    });
    const data = JSON.parse(json.file!.content) as LedgerExport;
    expect(data).toMatchObject({
      format: 'ostrom-ledger/1',
      community: { platform: 'console', id: 'test', name: null },
      exportedAt: new Date(h.clock.t).toISOString(),
      license: 'CC-BY-SA-4.0',
      count: TITLES.length,
    });
    expect(data.entries.map((e) => e.title)).toEqual(TITLES);
    const hashes = await h.query<{ hash: string }>(
      "select hash from audit where type = 'contribution.accepted' order by seq",
    );
    const t0 = Date.UTC(2026, 0, 5, 12, 0);
    expect(data.entries).toEqual(
      TITLES.map((title, i): ExportEntry => ({
        task: i + 1,
        title,
        contributors: [{ name: bob.name, userId: 'bob' }],
        reviewers: [
          { name: carol.name, userId: 'carol' },
          { name: dave.name, userId: 'dave' },
        ],
        link: i === 1 ? null : `https://example.org/pr/${i + 1}?a=1,b=2`,
        license: i % 2 ? 'MIT' : 'CC-BY-SA-4.0',
        acceptedAt: new Date(t0 + i * 60_000).toISOString(),
        auditHash: hashes[i]!.hash,
      })),
    );

    const csv = await exported(h, 'csv');
    expect(csv).toMatchObject({
      private: true,
      text: `Ledger export: ${TITLES.length} entries`,
      file: { name: 'ostrom-ledger-2026-01-05.csv', mime: 'text/csv' },
    });
    const [header, ...rows] = parse(csv.file!.content) as string[][];
    expect(header).toEqual([...CSV_COLUMNS]);
    const names = (ps: { name: string }[]) => ps.map((p) => p.name).join('; ');
    expect(rows).toEqual(
      data.entries.map((e) =>
        [
          String(e.task),
          e.title,
          names(e.contributors),
          names(e.reviewers),
          e.link ?? '',
          e.license,
          e.acceptedAt,
          e.auditHash,
        ].map(safeCell),
      ),
    );
    // Spelled out, not only through safeCell: these cells would run in a spreadsheet.
    const cells = rows.flat();
    for (const cell of [
      "'=SUM(A1:A2) is text, not a formula",
      '\'+1, -1 and @here, "all" of it',
      "'-2+3",
      "'@everyone",
      '\'＝HYPERLINK("https://evil")',
      '\'@Carol; C.; =Dave "D"',
    ])
      expect(cells).toContain(cell);
    expect(cells.filter((c) => FORMULA_START.test(c))).toEqual([]);
    // An export reads; it changes nothing but the record of the command's event id.
    const state = (d: string) => d.replace(/\["processed_events",\[.*?\]\]/, '');
    expect(state(await h.dump())).toBe(state(before));
  });

  it('an empty ledger exports a valid empty file', async () => {
    const h = makeCore();
    const json = await exported(h, 'json');
    expect(json.text).toBe('Ledger export: 0 entries');
    expect(JSON.parse(json.file!.content)).toMatchObject({ count: 0, entries: [] });
    const csv = await exported(h, 'csv');
    expect(parse(csv.file!.content)).toEqual([[...CSV_COLUMNS]]);
  });
});

describe('ledger and profile replies with hundreds of entries', () => {
  // 1,500 commands to build: a few seconds on SQLite, half a minute on PostgreSQL (a round trip per query).
  it('fit one Discord message, latest first, and count what is cut', { timeout: 120_000 }, async () => {
    const h = makeCore();
    const long = (n: number) =>
      `Entry ${n}: ${'a very long title that keeps going '.repeat(6)}`.slice(0, 200);
    await acceptAll(
      h,
      Array.from({ length: 300 }, (_, i) => long(i + 1)),
    );

    const ledger = (await h.ok('alice', '/commons ledger')).reply!.text;
    expect(ledger.length).toBeLessThanOrEqual(REPLY_MAX);
    const lines = ledger.split('\n');
    expect(lines[0]).toBe('Commons ledger: 300 accepted contributions, latest first:');
    const shown = lines.filter((l) => l.startsWith('#'));
    expect(shown[0]).toMatch(/^#300 Entry 300: a very long/);
    expect(shown.length).toBeGreaterThan(5);
    expect(lines.at(-1)).toBe(`…and ${300 - shown.length} more (\`/commons export\` has them all)`);

    for (const who of ['bob', 'carol']) {
      const profile = (await h.ok('alice', `/commons profile ${who}`)).reply!.text;
      expect(profile.length).toBeLessThanOrEqual(REPLY_MAX);
      const entries = profile.split('\n').filter((l) => l.startsWith('#'));
      expect(profile.split('\n').at(-1)).toBe(
        `…and ${300 - entries.length} more (\`/commons export\` has them all)`,
      );
    }
    expect((await h.ok('alice', '/commons profile bob')).reply!.text).toMatch(
      /^Bob, "B" 🦊: 300 contributions, 0 accepted reviews/,
    );
    expect((await h.ok('alice', '/commons ledger carol')).reply!.text).toMatch(
      /^Commons ledger with @Carol; C\.: 300 accepted contributions/,
    );
  });
});
