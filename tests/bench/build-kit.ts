/**
 * Tools of the bench builder: inserts prepared once from the project's drizzle tables, an audit chain
 * writer using the core's own hash, and a timeline that runs many stories in time order.
 */
import type Database from 'better-sqlite3';
import { getTableColumns } from 'drizzle-orm';
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { GENESIS, hashOf } from '../../src/core/commons/audit.js';
import { chainKey } from '../../src/db/audit-key.js';
import { audit } from '../../src/db/schema.js';

/**
 * A prepared `insert` for one drizzle table: the SQL names and defaults come from the schema, so the
 * builder writes exactly the columns the app reads, at better-sqlite3 speed (no query building per row).
 */
export function inserter<T extends SQLiteTable>(
  sqlite: Database.Database,
  table: T,
): (row: T['$inferInsert']) => number {
  const cols = Object.entries(getTableColumns(table));
  const names = cols.map(([, c]) => `"${c.name}"`).join(', ');
  const stmt = sqlite.prepare(
    `insert into "${getTableConfig(table).name}" (${names}) values (${cols.map(() => '?').join(', ')})`,
  );
  return (row) => {
    const r = row as Record<string, unknown>;
    const values = cols.map(([key, c]) => (key in r ? r[key] : c.hasDefault ? c.default : null));
    return Number(stmt.run(values).lastInsertRowid);
  };
}

/** The audit chain of one community, hash-linked by `hashOf` from src/core/audit.ts. */
export class Chain {
  private seq = 0;
  private prev = GENESIS;
  private readonly insert: ReturnType<typeof inserter<typeof audit>>;

  constructor(
    sqlite: Database.Database,
    private readonly communityId: number,
  ) {
    this.insert = inserter(sqlite, audit);
  }

  /** Appends one event as `appendAudit` would; returns its hash. */
  append(at: number, actor: string | null, type: string, data: Record<string, unknown>): string {
    const e = {
      communityId: this.communityId,
      seq: ++this.seq,
      at,
      actor,
      type,
      data: JSON.stringify(data),
      prevHash: this.prev,
    };
    const hash = hashOf(e);
    this.insert({ ...e, hash, chainKey: chainKey(e.communityId, e.seq) });
    this.prev = hash;
    return hash;
  }

  get length(): number {
    return this.seq;
  }
}

/**
 * A story yields the time of its next step; when resumed it performs that step (writing its rows and
 * audit events) and yields the time of the one after. The timeline resumes whichever story is due
 * first, so the audit chain is in time order although tasks and proposals overlap.
 */
export type Story = Generator<number, void, void>;

export class Timeline {
  private heap: { t: number; n: number; story: Story }[] = [];
  private n = 0;
  steps = 0;

  add(story: Story): void {
    const r = story.next();
    if (!r.done) this.push({ t: r.value, n: this.n++, story });
  }

  /** Runs every story to its end; `every` is called after each `batch` steps (to commit). */
  run(batch: number, every: () => void): void {
    while (this.heap.length > 0) {
      const top = this.pop();
      const r = top.story.next();
      if (!r.done) this.push({ t: r.value, n: top.n, story: top.story });
      if (++this.steps % batch === 0) every();
    }
  }

  private less(a: number, b: number): boolean {
    const x = this.heap[a]!;
    const y = this.heap[b]!;
    return x.t < y.t || (x.t === y.t && x.n < y.n);
  }

  private swap(a: number, b: number): void {
    [this.heap[a], this.heap[b]] = [this.heap[b]!, this.heap[a]!];
  }

  private push(item: { t: number; n: number; story: Story }): void {
    this.heap.push(item);
    let i = this.heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  private pop(): { t: number; n: number; story: Story } {
    const top = this.heap[0]!;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < this.heap.length && this.less(l, m)) m = l;
        if (r < this.heap.length && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}
