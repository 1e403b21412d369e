/** `/commons export`: the whole commons ledger as open data, one row per accepted contribution. */
import { stringify } from 'csv-stringify/sync';
import type { CommandArgs } from '../commands.js';
import type { Ctx } from '../shared/context.js';
import { ledgerEntries, type LedgerEntry, type Person } from './ledger.js';
import type { Reply } from '../shared/views.js';

/** Names the shape below; raised when a field changes meaning or goes away. */
export const EXPORT_FORMAT = 'ostrom-ledger/1';

export interface ExportPerson {
  name: string;
  /** The platform's user id: stable where display names change. */
  userId: string;
}

/** One accepted contribution. */
export interface ExportEntry {
  task: number;
  title: string;
  contributors: ExportPerson[];
  reviewers: ExportPerson[];
  link: string | null;
  license: string;
  /** ISO 8601, UTC. */
  acceptedAt: string;
  /** Hash of the audit event that accepted it; `/commons verify` checks the chain it is part of. */
  auditHash: string;
}

export interface LedgerExport {
  format: typeof EXPORT_FORMAT;
  community: { platform: string; id: string; name: string | null };
  exportedAt: string;
  /** The community's default license; each entry names its own. */
  license: string;
  licenseNote: string;
  count: number;
  entries: ExportEntry[];
}

/** Columns of the CSV, in order; people are joined with "; ". Formula-like cells start with `'`. */
export const CSV_COLUMNS = [
  'task',
  'title',
  'contributors',
  'reviewers',
  'link',
  'license',
  'accepted_at',
  'audit_hash',
] as const;

const person = (p: Person): ExportPerson => ({ name: p.name, userId: p.userId });

function toExport(e: LedgerEntry): ExportEntry {
  return {
    task: e.taskNumber,
    title: e.title,
    contributors: e.contributors.map(person),
    reviewers: e.reviewers.map(person),
    link: e.link,
    license: e.license,
    acceptedAt: new Date(e.acceptedAt).toISOString(),
    auditHash: e.auditHash,
  };
}

export async function ledgerExport(ctx: Ctx): Promise<LedgerExport> {
  const entries = (await ledgerEntries(ctx, { newestFirst: false })).map(toExport);
  const license = ctx.rules['commons.license'];
  return {
    format: EXPORT_FORMAT,
    community: { platform: ctx.community.platform, id: ctx.community.externalId, name: ctx.community.name },
    exportedAt: new Date(ctx.now).toISOString(),
    license,
    licenseNote: `Each contribution is under the license in its entry (the community default is ${license}). Credit its contributors.`,
    count: entries.length,
    entries,
  };
}

export function ledgerCsv(entries: ExportEntry[]): string {
  const names = (ps: ExportPerson[]) => ps.map((p) => p.name).join('; ');
  const rows = entries.map((e) => [
    e.task,
    e.title,
    names(e.contributors),
    names(e.reviewers),
    e.link ?? '',
    e.license,
    e.acceptedAt,
    e.auditHash,
  ]);
  // A cell a spreadsheet would read as a formula (=, +, -, @, tab, CR first, or their full-width
  // forms) gets a leading ' so opening the file runs nothing; the JSON export keeps the exact text.
  return stringify(rows, { header: true, columns: [...CSV_COLUMNS], escape_formulas: true });
}

export async function exportLedger(ctx: Ctx, args: CommandArgs<'commons export'>): Promise<Reply> {
  const format = args.format ?? 'json';
  const data = await ledgerExport(ctx);
  const date = data.exportedAt.slice(0, 10);
  const file =
    format === 'csv'
      ? { name: `ostrom-ledger-${date}.csv`, mime: 'text/csv', content: ledgerCsv(data.entries) }
      : {
          name: `ostrom-ledger-${date}.json`,
          mime: 'application/json',
          content: `${JSON.stringify(data, null, 2)}\n`,
        };
  return { private: true, text: `Ledger export: ${data.count} entr${data.count === 1 ? 'y' : 'ies'}`, file };
}
