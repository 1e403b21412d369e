/**
 * Starts Ostrom's storage on request, for races between processes: says "ready", then for each line
 * `<where> <wall-clock ms>` on stdin opens (and so migrates) the database at that instant, and prints
 * "opened <where>" or "failed <where>: <why>". `<where>` is an SQLite path or a PostgreSQL URL (opened
 * as `npm start` opens DATABASE_URL). Several of these given one instant race.
 */
import { createInterface } from 'node:readline';
import { openDatabase } from '../../../src/db/client.js';
import { openPgDatabase } from '../../../src/db/pg.js';

process.stdout.write('ready\n');
for await (const line of createInterface({ input: process.stdin })) {
  const [where, at] = line.trim().split(' ');
  while (Date.now() < Number(at)) {
    // spin: the racers leave this loop within a millisecond of each other
  }
  try {
    if (/^postgres(ql)?:\/\//.test(where!)) await (await openPgDatabase(where!, 1)).pool.end();
    else openDatabase(where!).$client.close();
    process.stdout.write(`opened ${where}\n`);
  } catch (e) {
    process.stdout.write(`failed ${where}: ${e instanceof Error ? e.message : String(e)}\n`);
  }
}
