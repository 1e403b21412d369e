import type { Clock } from '../../src/core/index.js';
import { DAY_MS, HOUR_MS } from '../../src/core/index.js';

const KEY = 'console.clockOffset';

/** Where the offset is kept. */
export interface Settings {
  getSetting(key: string): string | undefined;
  addToSetting(key: string, by: number): number;
}

/**
 * Real time plus an offset that `/clock +3d` grows, kept in the database so a second run (or a second
 * console on the same file, at the same time) agrees: read at every use, and grown in one statement.
 */
export class ConsoleClock implements Clock {
  constructor(
    private readonly settings: Settings,
    private readonly base: () => number = Date.now,
  ) {}

  now(): number {
    return this.base() + Number(this.settings.getSetting(KEY) ?? 0);
  }

  advance(ms: number): void {
    this.settings.addToSetting(KEY, ms);
  }
}

const UNITS: Record<string, number> = { d: DAY_MS, h: HOUR_MS, m: 60_000 };

/** "+3d", "+36h", "+90m" → milliseconds; undefined when it is not such a step. */
export function parseStep(text: string): number | undefined {
  const m = /^\+?(\d{1,5})([dhm])$/.exec(text.trim());
  return m ? Number(m[1]) * UNITS[m[2]!]! : undefined;
}
