/** The proposal card as a neutral view, and the short texts shared by replies and lists. */
import { ruleMeaning } from './decide.js';
import type { ProposalCardData, ProposalRow, ProposalTally, TallyCounts } from './types.js';
import type { Ballot } from '../votes/types.js';
import {
  formatTime,
  nameList,
  NAMES_SHOWN,
  truncate,
  type Tone,
  type View,
  type ViewButton,
  type ViewField,
} from '../shared/views.js';

const statusText: Record<ProposalRow['status'], string> = {
  open: 'open for votes',
  passed: 'passed ✅',
  rejected: 'rejected ❌',
  withdrawn: 'withdrawn',
};

const tones: Record<ProposalRow['status'], Tone> = {
  open: 'open',
  passed: 'passed',
  rejected: 'rejected',
  withdrawn: 'cancelled',
};

/** `2 yes, 1 no, 0 abstain`. */
export function countsText(t: ProposalTally): string {
  return countsLine(t.counts);
}

function countsLine(c: Pick<TallyCounts, 'yes' | 'no' | 'abstain'>): string {
  return `${c.yes} yes, ${c.no} no, ${c.abstain} abstain`;
}

/** Participants measured against the frozen quorum; lazy consensus has none. */
export function participationText(p: ProposalRow, t: Pick<TallyCounts, 'participants'>): string {
  const who = `${t.participants} participant${t.participants === 1 ? '' : 's'}`;
  return p.rule === 'lazy' ? who : `${who} of quorum ${p.quorum}`;
}

/** `review.approvals: 2 → 1` while open; once passed, the rule already holds the new value. */
export function changeText(p: ProposalRow, ruleNow: string | undefined): string | undefined {
  if (!p.changeKey) return undefined;
  if (p.status === 'passed') return `${p.changeKey} → ${p.changeValue} (applied)`;
  const current = ruleNow === undefined ? '?' : ruleNow || '(unset)';
  const note = p.status === 'open' ? '' : ' (not applied)';
  return `${p.changeKey}: ${current} → ${p.changeValue}${note}`;
}

const names = (bs: Ballot[], total: number) =>
  nameList(
    bs.map((b) => b.member.displayName),
    NAMES_SHOWN,
    total,
  );

function fieldsOf({ proposal: p, tally: t, author, ruleNow }: ProposalCardData): ViewField[] {
  const fields: ViewField[] = [
    { name: 'Status', value: statusText[p.status], inline: true },
    { name: 'Rule', value: `${p.rule}: ${ruleMeaning(p.rule, p.quorum)}`, inline: false },
    { name: 'Quorum', value: p.rule === 'lazy' ? 'none (lazy consensus)' : String(p.quorum), inline: true },
    {
      name: p.status === 'open' ? 'Deadline' : 'Closed',
      value: formatTime(p.status === 'open' ? p.closesAt : (p.closedAt ?? p.closesAt)),
      inline: true,
    },
    { name: 'Proposed by', value: author, inline: true },
  ];
  const change = changeText(p, ruleNow);
  if (change) fields.push({ name: 'Change', value: change, inline: false });
  fields.push(
    { name: 'Tally', value: `${countsText(t)} · ${participationText(p, t)}`, inline: false },
    { name: 'Yes', value: names(t.yes, t.counts.yes), inline: true },
    { name: 'No', value: names(t.no, t.counts.no), inline: true },
    { name: 'Abstain', value: names(t.abstain, t.counts.abstain), inline: true },
  );
  if (t.ignored > 0) {
    fields.push({
      name: 'Not counted',
      value: `${t.ignored} vote(s) by members of fewer than ${p.minMemberDays} days`,
      inline: false,
    });
  }
  if (p.outcome) fields.push({ name: 'Outcome', value: truncate(p.outcome, 1000), inline: false });
  return fields;
}

function buttonsOf(p: ProposalRow): ViewButton[] {
  if (p.status !== 'open') return [];
  return [
    { id: `vote.yes:${p.number}`, label: 'Yes', style: 'success' },
    { id: `vote.no:${p.number}`, label: 'No', style: 'danger' },
    { id: `vote.abstain:${p.number}`, label: 'Abstain', style: 'secondary' },
  ];
}

export function proposalCard(data: ProposalCardData): View {
  const p = data.proposal;
  const open = p.status === 'open';
  return {
    title: truncate(`P${p.number} · ${p.title}`, 256),
    description: p.body ? truncate(p.body, 3000) : undefined,
    fields: fieldsOf(data),
    footer: open
      ? `React ✅ or 👍 for yes, ❌ or 👎 for no, ➖ to abstain · /vote P${p.number} yes · discuss in the thread`
      : `/proposal show P${p.number}`,
    tone: tones[p.status],
    buttons: buttonsOf(p),
  };
}

/** One line of `/proposal list`. */
export function proposalLine(p: ProposalRow, t: TallyCounts): string {
  const when =
    p.status === 'open'
      ? `closes ${formatTime(p.closesAt)}`
      : `closed ${formatTime(p.closedAt ?? p.closesAt)}`;
  const change = p.changeKey ? ` · change ${p.changeKey}=${p.changeValue}` : '';
  return `P${p.number} ${truncate(p.title, 80)} — ${p.status} · ${p.rule} · ${countsLine(t)} (${participationText(p, t)}) · ${when}${change}`;
}
