/**
 * Start-up: `npm start` in console mode (`tsx src/main.ts`, as package.json runs it, without npm's own
 * start-up) on the full database, from spawn to the console's greeting, which it prints once the
 * database is open and migrated, the deadlines due at start have run, and input is read. Peak RSS is
 * the largest VmHWM (high-water resident set) among the processes of its group at that moment: tsx
 * starts the app in a child node process, and that child is the one that holds the database.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ostromCommand } from '../helpers/console-process.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const READY = 'Ostrom console.';

/** Peak resident set in MB of the largest process in group `pgid` (Linux /proc); NaN elsewhere. */
function peakRssMb(pgid: number): number {
  let peak = NaN;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((f) => /^\d+$/.test(f));
  } catch {
    return NaN;
  }
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): state ppid pgrp …
      const group = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
      if (group !== pgid) continue;
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (hwm) peak = Math.max(Number.isNaN(peak) ? 0 : peak, Number(hwm[1]) / 1024);
    } catch {
      // The process ended meanwhile.
    }
  }
  return peak;
}

export interface Startup {
  seconds: number;
  rssMb: number;
}

/** One start on `dbPath`; the process group is ended afterwards, whatever happens. */
export function startOnce(dbPath: string, timeoutMs = 60_000): Promise<Startup> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(...ostromCommand(), {
      cwd: root,
      // Console mode whatever a local .env says: set platform variables stay set, empty ones count as unset.
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DATABASE_PATH: dbPath,
        DISCORD_TOKEN: '',
        DISCORD_APP_ID: '',
        SLACK_BOT_TOKEN: '',
        LOG_LEVEL: 'warn',
      },
      detached: true, // its own process group, so the app under tsx ends with it
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const pgid = child.pid!;
    const killGroup = () => {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    };
    let out = '';
    let err = '';
    let ready = false;
    child.once('exit', (code) => {
      if (ready) return;
      clearTimeout(timer);
      killGroup();
      reject(new Error(`the console ended (code ${code}) before its prompt:\n${out}\n${err}`));
    });
    const timer = setTimeout(() => {
      killGroup();
      reject(new Error(`no console prompt after ${timeoutMs} ms:\n${out}\n${err}`));
    }, timeoutMs);
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (ready || !out.includes(READY)) return;
      ready = true;
      const seconds = (performance.now() - t0) / 1000;
      const rssMb = peakRssMb(pgid);
      clearTimeout(timer);
      child.stdout.removeAllListeners('data');
      child.once('exit', () => {
        killGroup();
        resolve({ seconds, rssMb });
      });
      child.stdin.end('/quit\n');
      setTimeout(killGroup, 5_000).unref();
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      killGroup();
      reject(e);
    });
  });
}
