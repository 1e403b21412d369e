/** Runs the real `npm start` entry (tsx src/main.ts) with text piped to stdin; returns what it printed. */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

export interface Run {
  stdout: string;
  stderr: string;
  code: number | null;
}

export function runConsole(lines: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(tsx, ['src/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ stdout, stderr, code });
    });
    child.stdin.end(lines.join('\n') + '\n');
  });
}

/** The reference ([m7]) of the first message whose first line matches. */
export function refOf(stdout: string, pattern: RegExp): string {
  const line = stdout.split('\n').find((l) => /^\[m\d+\]/.test(l) && pattern.test(l));
  if (!line) throw new Error(`no message matching ${pattern} in:\n${stdout}`);
  return /^\[(m\d+)\]/.exec(line)![1]!;
}
