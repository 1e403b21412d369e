/**
 * Each Governance keeps the rules it read, keyed by the community row's rules version (issue 12): a rule
 * changed anywhere (another process: a second Governance on the same SQLite file, or a second
 * PostgreSQL pool) is seen at the next event, and a change rolled back leaves every cache as it was.
 */
import { describe, expect, it } from 'vitest';
import { HOUR_MS } from '../../src/core/shared/model.js';
import { makeCore, recordingLog, type Harness, breakClosing } from '../helpers/core.js';
import { tempDbPaths } from '../helpers/test-db.js';

const tempPath = tempDbPaths('ostrom-rules-cache-');

let asked = 0;

/** The review bar as `/commons config` shows it to `h`'s community (event ids unique across harnesses). */
async function approvals(h: Harness): Promise<string> {
  const text = (await h.ok('dave', '/commons config', { eventId: `config-${++asked}` })).reply!.text;
  return /review\.approvals = (\d+)/.exec(text)![1]!;
}

async function mendClosing(h: Harness): Promise<void> {
  await h.exec(h.dialect === 'pg' ? 'drop trigger fault on audit' : 'drop trigger fault');
}

describe('cached rules', () => {
  it('a rule a passed proposal changes in one process is seen by another at its next event', async () => {
    const path = tempPath();
    const a = makeCore({ path });
    expect(await approvals(a)).toBe('2');
    const b = makeCore({ path, at: await a.t.location(), clock: a.clock });
    expect(await approvals(b)).toBe('2'); // b has the rules cached now

    await a.ok('alice', '/propose Lower the bar change:review.approvals=1 rule:lazy hours:1');
    await a.advance(2 * HOUR_MS); // a closes it: the rule changes
    expect(await approvals(b)).toBe('1');
    expect(await approvals(a)).toBe('1');

    // And b judges by it: one approval accepts.
    await a.ok('alice', '/task post Write the guide');
    await a.ok('bob', '/task claim 1');
    await a.ok('bob', '/task submit 1 link:https://example.org/pr/1');
    const out = await b.react('carol', 'submission:1', '✅');
    expect(b.texts([out]).join('\n')).toMatch(/Task #1 "Write the guide" accepted/);
    await b.storage.close();
    await a.storage.close();
  });

  it('a unit that changed a rule and rolled back leaves the cached rules as they were', async () => {
    const { log } = recordingLog();
    const h = makeCore({ log });
    await h.ok('alice', '/propose Lower the bar change:review.approvals=1 rule:lazy hours:1');
    expect(await approvals(h)).toBe('2');
    await breakClosing(h);
    await h.advance(2 * HOUR_MS); // the close writes the rule, then fails: rolled back
    expect(await h.one('select status from proposals where number = 1')).toEqual({ status: 'open' });
    expect(await approvals(h)).toBe('2');

    await mendClosing(h);
    await h.advance(5 * 60_000); // the retry passes it
    expect(await h.one('select status from proposals where number = 1')).toEqual({ status: 'passed' });
    expect(await approvals(h)).toBe('1');
  });
});
