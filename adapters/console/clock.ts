import type { Clock } from '../../src/core/index.js';
import { DAY_MS, HOUR_MS } from '../../src/core/index.js';

const KEY = 'console.clockOffset';

/** Where the offset is kept. */
export interface Settings {
  getSetting(key: string): string | undefined;
  setSetting(key: string, value: string): void;
}

/** Real time plus an offset that `/clock +3d` grows; kept in the database so a second run agrees. */
export class ConsoleClock implements Clock {
  private offset: number;

  constructor(
    private readonly settings: Settings,
    private readonly base: () => number = Date.now,
  ) {
    this.offset = Number(settings.getSetting(KEY) ?? 0);
  }

  now(): number {
    return this.base() + this.offset;
  }

  advance(ms: number): void {
    this.offset += ms;
    this.settings.setSetting(KEY, String(this.offset));
  }
}

const UNITS: Record<string, number> = { d: DAY_MS, h: HOUR_MS, m: 60_000 };

/** "+3d", "+36h", "+90m" → milliseconds; undefined when it is not such a step. */
export function parseStep(text: string): number | undefined {
  const m = /^\+?(\d{1,5})([dhm])$/.exec(text.trim());
  return m ? Number(m[1]) * UNITS[m[2]!]! : undefined;
}
