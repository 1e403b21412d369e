/** Runs the real `npm start` entry (node <its options> src/main.ts) with text piped to stdin; returns what it printed. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The Node options a package.json script gives before its entry file (`node <options> <entry>`): the
 * bench and the tests run Ostrom with what `npm start` gives it (tsx as the loader, the V8 heap's
 * settings), read from the one place that says it.
 */
export function nodeOptionsOf(script: 'start' | 'bench'): string[] {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const words = pkg.scripts[script]!.split(/\s+/);
  if (words[0] !== 'node' || !/\.ts$/.test(words.at(-1)!))
    throw new Error(
      `package.json's ${script} script is not "node <options> <entry>.ts": ${pkg.scripts[script]}`,
    );
  return words.slice(1, -1);
}

/**
 * What `npm start` runs: Node with its options and tsx as its loader, one process. (The `tsx` wrapper
 * would add a parent that relays signals and SIGKILLs its child when the relay is slow under load.)
 */
export function ostromCommand(args = ['src/main.ts']): [string, string[]] {
  return [process.execPath, [...nodeOptionsOf('start'), ...args]];
}

export interface Run {
  stdout: string;
  stderr: string;
  code: number | null;
}

export interface SpawnOptions {
  /** Run as this user id (a root test runner proving what a plain user may not do). */
  uid?: number;
  gid?: number;
}

/**
 * Spawns `npm start`'s command as the leader of its own process group, so the group (with anything it
 * starts) can be killed at once.
 */
function spawnMain(
  env: Record<string, string>,
  opts: SpawnOptions = {},
  args = ['src/main.ts'],
): ChildProcessWithoutNullStreams {
  const [command, argv] = ostromCommand(args);
  return spawn(command, argv, {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
    uid: opts.uid,
    gid: opts.gid,
  });
}

/** Kills the whole process group of `child`, if it still runs. */
export function killGroup(child: ChildProcessWithoutNullStreams): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

export function runConsole(
  lines: string[],
  env: Record<string, string>,
  opts: SpawnOptions = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawnMain(env, opts);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => killGroup(child), 15_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    });
    child.stdin.end(lines.join('\n') + '\n');
  });
}

/** A console process driven line by line: send input, await output, then end or kill it. */
export interface LiveConsole {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  send(lines: string[]): void;
  /** Resolves once stdout matches `pattern` at least `times` times; rejects (with the output) after timeoutMs. */
  waitFor(pattern: RegExp, times?: number, timeoutMs?: number): Promise<void>;
  /** Ends stdin and resolves when the process has exited. */
  end(): Promise<Run>;
  exited: Promise<Run>;
  kill(): void;
}

const count = (text: string, pattern: RegExp) =>
  text.match(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`))
    ?.length ?? 0;

export function startConsole(env: Record<string, string>): LiveConsole {
  return live(spawnMain(env));
}

/** A script of tests/helpers/workers run like `startConsole`, with `args`. */
export function startWorker(script: string, args: string[]): LiveConsole {
  return live(spawnMain({}, {}, [`tests/helpers/workers/${script}`, ...args]));
}

function live(child: ChildProcessWithoutNullStreams): LiveConsole {
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of [...waiters]) w();
  };
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    wake();
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  let closed = false;
  const exited = new Promise<Run>((resolve) => {
    child.on('close', (code) => {
      closed = true;
      resolve({ stdout, stderr, code });
      wake();
    });
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    send: (lines) => {
      child.stdin.write(lines.join('\n') + '\n');
    },
    waitFor: (pattern, times = 1, timeoutMs = 15_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (count(stdout, pattern) >= times) done(() => resolve());
          else if (closed) done(() => reject(new Error(`exited before ${pattern}:\n${stdout}\n${stderr}`)));
        };
        const timer = setTimeout(
          () => done(() => reject(new Error(`timed out waiting for ${pattern}:\n${stdout}\n${stderr}`))),
          timeoutMs,
        );
        const done = (fn: () => void) => {
          clearTimeout(timer);
          waiters.delete(check);
          fn();
        };
        waiters.add(check);
        check();
      }),
    end: () => {
      child.stdin.end();
      return exited;
    },
    exited,
    kill: () => killGroup(child),
  };
}

/** The reference ([m7]) of the first message whose first line matches. */
export function refOf(stdout: string, pattern: RegExp): string {
  const line = stdout.split('\n').find((l) => /^\[m\d+\]/.test(l) && pattern.test(l));
  if (!line) throw new Error(`no message matching ${pattern} in:\n${stdout}`);
  return /^\[(m\d+)\]/.exec(line)![1]!;
}
