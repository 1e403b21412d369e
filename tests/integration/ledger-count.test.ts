/**
 * The community's count of ledger entries lives on its row (`communities.ledger_entries`), counted up
 * in the unit that writes an entry, so `/commons ledger` shows its total without counting every entry.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeCore, type Harness } from '../helpers/core.js';

/** Posts, claims, submits and accepts (two approvals) task `n`. */
async function accepted(h: Harness, n: number): Promise<void> {
  await h.ok('alice', `/task post Entry ${n}`);
  await h.ok('bob', `/task claim ${n}`);
  await h.ok('bob', `/task submit ${n} link:https://example.org/pr/${n}`);
  await h.ok('carol', `/review ${n} approve`);
  await h.ok('dave', `/review ${n} approve`);
}

const counted = async (h: Harness) =>
  (await h.one<{ n: number }>('select ledger_entries as n from communities'))!.n;
const entries = async (h: Harness) => (await h.one<{ n: number }>('select count(*) as n from ledger'))!.n;

/** The UPDATE of the migration that added the column, in this test's dialect. */
function backfill(dialect: 'sqlite' | 'pg'): string {
  const dir = fileURLToPath(
    new URL(`../../${dialect === 'pg' ? 'migrations-pg' : 'migrations'}`, import.meta.url),
  );
  const file = readdirSync(dir).find((f) => f.endsWith('_ledger_entries.sql'))!;
  const statements = readFileSync(join(dir, file), 'utf8').split('--> statement-breakpoint');
  return statements.find((s) => /^\s*(--.*\n\s*)*UPDATE\b/i.test(s))!;
}

describe('the ledger count on the community row', () => {
  it('counts each accepted contribution in the unit that writes it', async () => {
    const h = makeCore();
    expect((await h.ok('alice', '/commons ledger')).reply!.text).toBe('No accepted contributions yet.');
    await accepted(h, 1);
    expect(await counted(h)).toBe(1);
    // A submission still in review is no entry.
    await h.ok('alice', '/task post Entry 2');
    await h.ok('bob', '/task claim 2');
    await h.ok('bob', '/task submit 2 link:https://example.org/pr/2');
    await h.ok('carol', '/review 2 approve');
    expect(await counted(h)).toBe(1);
    await h.ok('dave', '/review 2 approve');
    await accepted(h, 3);
    expect(await counted(h)).toBe(3);
    expect(await entries(h)).toBe(3);
    expect((await h.ok('erin', '/commons ledger')).reply!.text).toMatch(
      /^Commons ledger: 3 accepted contributions, latest first:\n#3 Entry 3/,
    );
  });

  it("is set from the existing entries by the column's migration", async () => {
    const h = makeCore();
    await accepted(h, 1);
    await accepted(h, 2);
    await h.exec('update communities set ledger_entries = 0');
    await h.exec(backfill(h.dialect));
    expect(await counted(h)).toBe(2);
    expect((await h.ok('erin', '/commons ledger')).reply!.text).toMatch(/^Commons ledger: 2 accepted/);
  });
});
