import type { Clock } from '../../src/core/index.js';
import { DAY_MS, HOUR_MS } from '../../src/core/index.js';
import type { Settings as SettingsStore } from '../../src/db/kv.js';

const KEY = 'console.clockOffset';

/** Where the offset is kept. */
export type Settings = Pick<SettingsStore, 'getSetting' | 'addToSetting'>;

/**
 * Real time plus an offset that `/clock +3d` grows, kept in the database so a second run (or a second
 * console on the same database, at the same time) agrees: read again before every unit of work the
 * core runs (`sync`), and grown in one statement.
 */
export class ConsoleClock implements Clock {
  private offset = 0;

  constructor(
    private readonly settings: Settings,
    private readonly base: () => number = Date.now,
  ) {}

  now(): number {
    return this.base() + this.offset;
  }

  async sync(): Promise<void> {
    this.offset = Number((await this.settings.getSetting(KEY)) ?? 0);
  }

  async advance(ms: number): Promise<void> {
    this.offset = await this.settings.addToSetting(KEY, ms);
  }
}

const UNITS: Record<string, number> = { d: DAY_MS, h: HOUR_MS, m: 60_000 };

/** "+3d", "+36h", "+90m" → milliseconds; undefined when it is not such a step. */
export function parseStep(text: string): number | undefined {
  const m = /^\+?(\d{1,5})([dhm])$/.exec(text.trim());
  return m ? Number(m[1]) * UNITS[m[2]!]! : undefined;
}
