/**
 * The bench database, built once and cached as `data/bench-s<scale>-<key>.db` (gitignored). The key hashes the
 * migrations, the schema, the builder's own source and the scale, so a changed schema or builder
 * builds a new file and an unchanged one is reused. A build writes `<file>.building` and renames it
 * when complete, so an interrupted build is never taken for a finished one.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../../src/db/client.js';
import { buildCommunity } from './build-community.js';
import { shapes } from './shape.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** The statements of the SQLite migration whose name ends so (`vote_tallies_backfill`, …). */
function migration(name: string): string[] {
  const dir = join(root, 'migrations');
  const file = readdirSync(dir).find((f) => f.endsWith(`_${name}.sql`));
  if (!file) throw new Error(`no *_${name}.sql in migrations/`);
  return readFileSync(join(dir, file), 'utf8').split('--> statement-breakpoint');
}
/** Every `*_backfill.sql` migration's statements, in migration order (the vote_tallies one sets the latest flags the later ones read). */
function backfills(): string[] {
  const dir = join(root, 'migrations');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('_backfill.sql'))
    .sort();
  if (!files.some((f) => f.endsWith('_vote_tallies_backfill.sql')))
    throw new Error('no *_vote_tallies_backfill.sql in migrations/');
  return files.flatMap((f) => readFileSync(join(dir, f), 'utf8').split('--> statement-breakpoint'));
}
/** The statement that counts each community's ledger entries (its migration's UPDATE; the ALTER ran). */
const ledgerBackfill = () => migration('ledger_entries').filter((s) => /^\s*(--.*\n\s*)*UPDATE\b/i.test(s));
const BUILDER = [
  'shape.ts',
  'build.ts',
  'build-kit.ts',
  'build-community.ts',
  'build-tasks.ts',
  'build-proposals.ts',
];

function cacheKey(scale: number): string {
  const h = createHash('sha256');
  const migrations = join(root, 'migrations');
  const files = [
    ...readdirSync(migrations, { recursive: true, encoding: 'utf8' })
      .filter((f) => /\.(sql|json)$/.test(f))
      .sort()
      .map((f) => join(migrations, f)),
    join(root, 'src/db/schema.ts'),
    join(root, 'src/core/commons/audit.ts'),
    join(root, 'src/db/audit-key.ts'),
    ...BUILDER.map((f) => join(root, 'tests/bench', f)),
  ];
  for (const f of files) h.update(f.slice(root.length)).update('\0').update(readFileSync(f)).update('\0');
  return h.update(`scale=${scale}`).digest('hex').slice(0, 12);
}

export interface BenchDb {
  path: string;
  /** Seconds the build took (when it was built, possibly by an earlier run). */
  buildSeconds: number;
  reused: boolean;
  events: Record<string, number>;
}

const remove = (p: string) => ['', '-wal', '-shm'].forEach((s) => rmSync(p + s, { force: true }));

export function benchDatabase(scale: number, log: (s: string) => void): BenchDb {
  const dir = process.env.BENCH_DIR ?? join(root, 'data');
  const key = cacheKey(scale);
  const stem = `bench-s${scale}-`;
  const path = join(dir, `${stem}${key}.db`);
  if (existsSync(path)) {
    const db = openDatabase(path);
    const get = (k: string) =>
      (db.$client.prepare('select value from kv where key = ?').get(k) as { value: string }).value;
    const info = { buildSeconds: Number(get('bench.buildSeconds')), events: JSON.parse(get('bench.events')) };
    db.$client.close();
    return { path, reused: true, ...info };
  }
  // Older bench databases of this scale (another schema or builder) are only taking room.
  if (existsSync(dir))
    for (const f of readdirSync(dir))
      if (f.startsWith(stem) && /-[0-9a-f]{12}\.db(\.building)?(-wal|-shm)?$/.test(f))
        rmSync(join(dir, f), { force: true });
  const tmp = `${path}.building`;
  remove(tmp);
  log(`Building the bench database ${path} (scale ${scale}) …`);
  const t0 = performance.now();
  const db = openDatabase(tmp);
  const sqlite = db.$client;
  // A throwaway build: no fsync, checks once at the end instead of per row.
  sqlite.pragma('foreign_keys = OFF');
  sqlite.pragma('synchronous = OFF');
  sqlite.pragma('cache_size = -262144');
  const events: Record<string, number> = {};
  for (const [i, shape] of shapes(scale).entries()) {
    const t = performance.now();
    sqlite.exec('BEGIN');
    const built = buildCommunity(sqlite, shape, 1 + i);
    sqlite.exec('COMMIT');
    events[shape.key] = built.events;
    log(
      `  ${shape.key}: ${shape.tasks} tasks, ${shape.members} members, ${built.marks} vote marks, ` +
        `${shape.proposals} proposals, ${built.events} audit events (${((performance.now() - t) / 1000).toFixed(1)} s)`,
    );
  }
  // The builder writes every mark with the schema's default latest = 1, no tallies and no proposal
  // voters: the migrations that brought them to existing databases set them from the marks, so their
  // backfills run here too.
  const t1 = performance.now();
  for (const statement of backfills()) sqlite.exec(statement);
  log(
    `  vote tallies and proposal voters from the marks (${((performance.now() - t1) / 1000).toFixed(1)} s)`,
  );
  // Likewise the ledger entries' count on each community row.
  const counts = ledgerBackfill();
  if (counts.length !== 1) throw new Error('the ledger_entries migration has no single UPDATE');
  for (const statement of counts) sqlite.exec(statement);
  const broken = sqlite.pragma('foreign_key_check') as unknown[];
  if (broken.length > 0) throw new Error(`bench database: ${broken.length} foreign key violations`);
  const buildSeconds = (performance.now() - t0) / 1000;
  const setKv = sqlite.prepare('insert into kv (key, value) values (?, ?)');
  setKv.run('bench.buildSeconds', buildSeconds.toFixed(1));
  setKv.run('bench.events', JSON.stringify(events));
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
  renameSync(tmp, path);
  remove(tmp);
  log(`Built in ${buildSeconds.toFixed(1)} s.`);
  return { path, buildSeconds, reused: false, events };
}
