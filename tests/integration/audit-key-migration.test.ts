/**
 * The migrations that key the audit table by `community × 2³² + seq` (SQLite 0013, PostgreSQL 0011) keep
 * every event of every chain: run on a database migrated up to the one before, holding two communities'
 * chains written in interleaved order, each event gets its community's key, and each chain read by its
 * run of keys is the chain that was written, every link and hash intact.
 */
import { describe, expect, it } from 'vitest';
import { chainKey } from '../../src/db/audit-key.js';
import { GENESIS, hashOf } from '../../src/core/commons/audit.js';
import { chainStart, follow } from '../../src/core/commons/verify/chain.js';
import { pgAcross, splitMigrations, sqliteAcross } from '../helpers/migration-split.js';
import { testDialect } from '../helpers/test-db.js';

const ADDS_KEY = ['ADD COLUMN "chain_key"', '`chain_key` integer PRIMARY KEY'];

interface Event {
  community_id: number;
  seq: number;
  at: number;
  actor: string | null;
  type: string;
  data: string;
  prev_hash: string;
  hash: string;
}

/** Two communities' chains of `n` events each, appended alternately (as two communities' units would). */
function chains(n: number): Event[] {
  const heads = new Map([
    [1, GENESIS],
    [2, GENESIS],
  ]);
  const out: Event[] = [];
  for (let seq = 1; seq <= n; seq++)
    for (const community of [2, 1]) {
      const e = {
        communityId: community,
        seq,
        at: 1_700_000_000_000 + seq,
        actor: seq % 3 ? `u${seq}` : null,
        type: 'vote.reaction.added',
        data: JSON.stringify({ target: `submission:${seq}`, emoji: '❌' }),
        prevHash: heads.get(community)!,
      };
      const hash = hashOf(e);
      heads.set(community, hash);
      out.push({
        community_id: e.communityId,
        seq: e.seq,
        at: e.at,
        actor: e.actor,
        type: e.type,
        data: e.data,
        prev_hash: e.prevHash,
        hash,
      });
    }
  return out;
}

const EVENTS = chains(40);
const COMMUNITIES =
  "INSERT INTO communities (platform, external_id, created_at) VALUES ('console', 'a', 1), ('console', 'b', 1)";
const INSERT =
  'INSERT INTO audit (community_id, seq, at, actor, type, data, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)';
const READ = 'SELECT * FROM audit ORDER BY chain_key';

/** What the migrated table holds, checked: keys, order, and each chain followed as verify does. */
function check(rows: Record<string, unknown>[]): void {
  const read = rows.map((r) => ({
    ...(r as unknown as Event),
    chain_key: Number(r.chain_key),
    at: Number(r.at),
  }));
  expect(read.map((r) => r.chain_key)).toEqual(
    [...EVENTS]
      .sort((a, b) => a.community_id - b.community_id || a.seq - b.seq)
      .map((e) => chainKey(e.community_id, e.seq)),
  );
  for (const community of [1, 2]) {
    const chain = read
      .filter((r) => r.community_id === community)
      .map((r) => ({
        communityId: community,
        seq: r.seq,
        at: r.at,
        actor: r.actor,
        type: r.type,
        data: r.data,
        prevHash: r.prev_hash,
        hash: r.hash,
        chainKey: r.chain_key,
      }));
    const state = chainStart();
    expect(follow(state, chain)).toBe(true);
    expect(state.count).toBe(40);
  }
}

describe('the audit key migrations', () => {
  it.runIf(testDialect === 'sqlite')(
    'SQLite: every event keyed by its community and seq, chains intact',
    () => {
      const rows = sqliteAcross(
        splitMigrations('sqlite', ADDS_KEY),
        (db) => {
          db.exec(COMMUNITIES);
          const insert = db.prepare(INSERT.replace(/\$\d/g, '?'));
          for (const e of EVENTS) insert.run(...Object.values(e));
        },
        (db) => db.prepare(READ).all() as Record<string, unknown>[],
      );
      check(rows);
    },
  );

  it.runIf(testDialect === 'pg')(
    'PostgreSQL: every event keyed by its community and seq, chains intact',
    async () => {
      const rows = await pgAcross(
        'mig_audit_key',
        splitMigrations('pg', ADDS_KEY),
        async (db) => {
          await db.query(COMMUNITIES);
          for (const e of EVENTS) await db.query(INSERT, Object.values(e));
        },
        async (db) => (await db.query(READ)).rows as Record<string, unknown>[],
      );
      check(rows);
    },
  );
});
