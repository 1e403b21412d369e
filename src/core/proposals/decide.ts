/** The four rules of decision (SPEC §4), as one pure function of the frozen rule, quorum and votes. */
import type { DecisionRule } from '../community/rules.js';

/** Votes on one side: a count, or the names of who cast them (named objectors read better). */
export type Side = number | readonly string[];

export interface VoteCounts {
  yes: Side;
  no: Side;
  abstain: Side;
}

export interface Decision {
  passed: boolean;
  /** Why, in plain words: "objection by carol", "quorum 3 not met: 2 participants", "3 yes, 1 no, 1 abstain". */
  reason: string;
}

const countOf = (s: Side): number => (typeof s === 'number' ? s : s.length);

function objection(no: Side): string {
  if (typeof no === 'number') return no === 1 ? '1 objection' : `${no} objections`;
  return `${no.length === 1 ? 'objection' : 'objections'} by ${no.join(', ')}`;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * Decides a proposal at its deadline. Participants are everyone with a yes, no or abstain vote;
 * abstentions count toward the quorum but not toward yes or no. Lazy consensus needs no quorum.
 */
export function decide(rule: DecisionRule, quorum: number, votes: VoteCounts): Decision {
  const yes = countOf(votes.yes);
  const no = countOf(votes.no);
  const participants = yes + no + countOf(votes.abstain);
  const counts = `${yes} yes, ${no} no, ${countOf(votes.abstain)} abstain`;
  const failures: string[] = [];
  if ((rule === 'lazy' || rule === 'consent') && no > 0) failures.push(objection(votes.no));
  if (rule === 'majority' && yes <= no) failures.push(`${counts}: yes must outnumber no`);
  // Integer form of yes ≥ 2/3 · (yes + no), so 2:1 passes exactly and no rounding creeps in.
  if (rule === 'supermajority' && 3 * yes < 2 * (yes + no))
    failures.push(`${counts}: yes must be at least 2/3 of yes + no`);
  if (rule !== 'lazy' && participants < quorum)
    failures.push(`quorum ${quorum} not met: ${plural(participants, 'participant')}`);
  if (failures.length > 0) return { passed: false, reason: failures.join('; ') };
  if (rule === 'lazy') return { passed: true, reason: `no objection (${counts})` };
  if (rule === 'consent')
    return {
      passed: true,
      reason: `no objection, ${plural(participants, 'participant')} (quorum ${quorum})`,
    };
  return { passed: true, reason: counts };
}

/** What each rule means, in one line, for cards and help. */
export function ruleMeaning(rule: DecisionRule, quorum: number): string {
  const q = `at least ${plural(quorum, 'member')} vote (yes, no or abstain)`;
  switch (rule) {
    case 'lazy':
      return 'passes unless someone votes no — silence is assent';
    case 'consent':
      return `passes if no one votes no and ${q}`;
    case 'majority':
      return `passes if yes outnumber no and ${q}`;
    case 'supermajority':
      return `passes if yes are at least 2/3 of yes + no and ${q}`;
  }
}
