/** Statistics and output of the bench: readable tables, then one `BENCH <name> <value> <unit>` line per figure. */

/** The q-quantile by the nearest-rank method (p50 of 200 samples is the 100th, p99 the 198th). */
export function quantile(xs: number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]!;
}

export const median = (xs: number[]): number => quantile(xs, 0.5);

/** Three significant digits, no exponent. */
export function fmt(x: number): string {
  if (!Number.isFinite(x) || Number.isInteger(x)) return String(x);
  const a = Math.abs(x);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return x.toFixed(digits);
}

export class Report {
  private readonly figures: { name: string; value: number; unit: string }[] = [];

  constructor(private readonly out: (s: string) => void) {}

  figure(name: string, value: number, unit: string): void {
    this.figures.push({ name, value, unit });
  }

  /** A table with a header row; columns after the first are right-aligned. */
  table(title: string, head: string[], rows: (string | number)[][]): void {
    const cells = [head, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
    const width = head.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
    const line = (r: string[]) =>
      r.map((c, i) => (i === 0 ? c.padEnd(width[i]!) : c.padStart(width[i]!))).join('  ');
    this.out(`\n${title}`);
    this.out(line(head));
    this.out(width.map((w) => '-'.repeat(w)).join('  '));
    for (const r of cells.slice(1)) this.out(line(r));
  }

  /** The machine-readable lines, in the order the figures were taken. */
  benchLines(): string[] {
    return this.figures.map((f) => `BENCH ${f.name} ${fmt(f.value)} ${f.unit}`);
  }
}
