/**
 * Starts Ostrom's storage on request, for races between processes: says "ready", then for each line
 * `<path> <wall-clock ms>` on stdin opens (and so migrates) the database at that path at that instant,
 * and prints "opened <path>" or "failed <path>: <why>". Two of these given one instant race.
 */
import { createInterface } from 'node:readline';
import { openDatabase } from '../../../src/db/client.js';

process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  const [path, at] = line.trim().split(' ');
  while (Date.now() < Number(at)) {
    // spin: the racers leave this loop within a millisecond of each other
  }
  try {
    openDatabase(path!).$client.close();
    process.stdout.write(`opened ${path}\n`);
  } catch (e) {
    process.stdout.write(`failed ${path}: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}
