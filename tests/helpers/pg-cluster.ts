/**
 * A throwaway PostgreSQL cluster for tests: `initdb` in a fresh temporary directory, a server on
 * 127.0.0.1 at a free port (unix sockets in that directory, trust auth, fsync off), one database per
 * test file, stopped and removed at the end. It never connects to a server it did not start.
 *
 * PostgreSQL is the Debian package `postgresql` (binaries under /usr/lib/postgresql/<version>/bin).
 * Without it the PostgreSQL tests are skipped with a message; with OSTROM_REQUIRE_PG=1 (as in CI) a
 * missing PostgreSQL fails them instead.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import pg from 'pg';

const PG_ROOT = '/usr/lib/postgresql';
const HOW_TO_RUN =
  'PostgreSQL tests skipped: PostgreSQL is not installed. To run them, install the Debian package ' +
  '`postgresql` (apt-get install postgresql; no server needs to run: the tests start their own). ' +
  'CI (.ci/run) installs it and sets OSTROM_REQUIRE_PG=1, which makes a missing PostgreSQL a failure.';

/** The newest installed PostgreSQL's bin directory that has both initdb and pg_ctl, or undefined. */
export function findPgBin(): string | undefined {
  if (!existsSync(PG_ROOT)) return undefined;
  const versions = readdirSync(PG_ROOT)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = join(PG_ROOT, v, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  return undefined;
}

/**
 * Whether this file's PostgreSQL tests can run. When they cannot, says so once (and how to run them),
 * or throws when OSTROM_REQUIRE_PG=1 so that CI cannot pass by skipping them.
 */
export function pgAvailable(): boolean {
  if (findPgBin()) return true;
  if (process.env.OSTROM_REQUIRE_PG === '1')
    throw new Error(`OSTROM_REQUIRE_PG=1 but PostgreSQL is not installed (no ${PG_ROOT}/*/bin/initdb).`);
  console.warn(HOW_TO_RUN);
  return false;
}

/** uid/gid to run the server as: initdb and postgres refuse root, so as root use the `postgres` user. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error('Running as root, but there is no `postgres` user to run PostgreSQL as.');
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function run(
  file: string,
  args: string[],
  opts: { cwd: string; user: { uid: number; gid: number } | undefined },
): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { cwd: opts.cwd, ...opts.user, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' } },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${basename(file)} failed: ${error.message}\n${stdout}\n${stderr}`));
        else resolve();
      },
    );
  });
}

export interface PgCluster {
  readonly port: number;
  /** A connection string for a database of this cluster (as the `postgres` superuser, trust auth). */
  url(database: string): string;
  /** Creates a database and returns its connection string. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server (fast) and removes its directory; safe to call twice. */
  stop(): Promise<void>;
}

/** Starts a new cluster in a new temporary directory. Call `stop()` in `afterAll`. */
export async function startPgCluster(): Promise<PgCluster> {
  const bin = findPgBin();
  if (!bin) throw new Error(HOW_TO_RUN);
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), 'ostrom-pg-'));
  if (user) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const pgCtl = join(bin, 'pg_ctl');
  let started = false;
  let stopped = false;

  const stopSync = () => {
    if (stopped) return;
    stopped = true;
    if (started) {
      try {
        execFileSync(pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop'], { cwd: dir, ...user, stdio: 'ignore' });
      } catch {
        // Already gone; the directory is removed below either way.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // A worker that exits without running afterAll still stops its server.
  process.once('exit', stopSync);

  try {
    await run(
      join(bin, 'initdb'),
      ['-D', data, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'],
      { cwd: dir, user },
    );
    let port = 0;
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      const options = [
        '-c listen_addresses=127.0.0.1',
        `-c port=${port}`,
        `-c unix_socket_directories=${dir}`,
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
      ].join(' ');
      try {
        await run(
          pgCtl,
          ['-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '30', '-o', options, 'start'],
          {
            cwd: dir,
            user,
          },
        );
        started = true;
        break;
      } catch (e) {
        // Another process may have taken the port between the probe and the start: try another one.
        if (attempt >= 3) throw e;
      }
    }

    const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${encodeURIComponent(database)}`;
    return {
      port,
      url,
      async createDatabase(name) {
        const client = new pg.Client({ connectionString: url('postgres') });
        await client.connect();
        try {
          await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
        } finally {
          await client.end();
        }
        return url(name);
      },
      async stop() {
        process.removeListener('exit', stopSync);
        if (stopped) return;
        if (started)
          await run(pgCtl, ['-D', data, '-m', 'fast', '-w', 'stop'], { cwd: dir, user }).catch(() => {});
        started = false;
        stopSync();
      },
    };
  } catch (e) {
    process.removeListener('exit', stopSync);
    stopSync();
    throw e;
  }
}

/** A database name for a test file: its base name, lower case, letters, digits and underscores. */
export function databaseNameFor(testFile: string): string {
  return basename(testFile)
    .replace(/\.test\.ts$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_');
}
