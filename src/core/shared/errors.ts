/** Coded user errors and their one table of messages. */
import { visible } from './plain-text.js';

type Params = Record<string, string | number>;

const messages = {
  'command.unknown': (p) => `Unknown command \`${p.command}\`. Commands: ${p.valid}. Try \`/help\`.`,
  'command.unknownSub': (p) => `Unknown subcommand \`${p.sub}\` of \`/${p.command}\`. Valid: ${p.valid}.`,
  'command.missingSub': (p) => `\`/${p.command}\` needs a subcommand: ${p.valid}.`,
  'option.unknown': (p) =>
    `Unknown option \`${p.option}\` for \`${p.command}\`. Valid options: ${p.valid}. (To use a colon in text, put the text in quotes.)`,
  'option.duplicate': (p) => `Option \`${p.option}\` is given twice.`,
  'option.invalid': (p) => `Invalid \`${p.option}\` for \`${p.command}\`: ${p.problem}. Usage: ${p.usage}`,
  'option.missing': (p) => `\`${p.command}\` needs ${p.option}. Usage: ${p.usage}`,
  'argument.extra': (p) => `Unexpected \`${p.text}\` after \`${p.command}\`. Usage: ${p.usage}`,
  'grammar.unclosedQuote': () => 'A quote is not closed.',
  'task.notFound': (p) => `There is no task #${p.number}.`,
  'task.notOpen': (p) => `Task #${p.number} is ${p.status}; it can no longer be ${p.action}.`,
  'task.full': (p) => `Task #${p.number} has no free slot (${p.slots} of ${p.slots} claimed).`,
  'task.alreadyClaimed': (p) => `You have already claimed task #${p.number}.`,
  'task.notClaimant': (p) => `You have not claimed task #${p.number}.`,
  'task.notPoster': (p) => `Only the poster of task #${p.number} may cancel it.`,
  'task.hasClaims': (p) => `Task #${p.number} is claimed; it can be cancelled only while unclaimed.`,
  'task.inReview': (p) => `Task #${p.number} is in review; claims are closed until the review ends.`,
  'claims.maxOpen': (p) =>
    `You already hold ${p.open} open claims, the most \`claims.maxOpen\` allows (${p.max}). Submit one for review (claims in review do not count) or unclaim one first.`,
  'review.noSubmission': (p) => `Task #${p.number} has no submission awaiting review.`,
  'review.ownTask': (p) => `You claimed task #${p.number}; claimants cannot review their own work.`,
  'review.ineligible': (p) => `Only members of at least ${p.days} days may vote.`,
  'review.final': (p) => `Task #${p.number} is already accepted; an accepted contribution is final.`,
  'proposal.notFound': (p) => `There is no proposal P${p.number}.`,
  'proposal.closed': (p) => `Proposal P${p.number} is ${p.status}; voting has ended.`,
  'proposal.notAuthor': (p) => `Only the author of P${p.number} may withdraw it.`,
  'proposal.notOpen': (p) => `Proposal P${p.number} is ${p.status}; it can no longer be ${p.action}.`,
  'proposal.deadlinePassed': (p) =>
    `The deadline of P${p.number} passed at ${p.at}; it can no longer be ${p.action}.`,
  'proposal.ineligible': (p) => `Only members of at least ${p.days} days may vote on P${p.number}.`,
  'rule.unknownKey': (p) => `Unknown rule \`${p.key}\`. Rules: ${p.valid}.`,
  'rule.badValue': (p) => `Invalid value \`${p.value}\` for \`${p.key}\`: must be ${p.valid}.`,
  'rule.badAssignment': (p) =>
    `\`${p.text}\` is not a rule assignment; write key=value, e.g. review.approvals=3.`,
  'rule.onlyByProposal': (p) =>
    `Setup already ran on ${p.at}; nothing was changed. Rules now change only by a passed proposal, e.g. \`/propose Move the task cards change:channels.tasks=#tasks\` or \`/propose Raise the bar change:review.approvals=3\`.`,
  'setup.setByProposal': (p) =>
    `Setup cannot overwrite rules the community set by proposal: ${p.rules}. Leave them out, or change them by a new proposal.`,
  'setup.notAdmin': () =>
    'Only a platform admin may run `/commons setup` (on Discord: Manage Server; on Slack: a workspace admin or owner).',
  'member.notFound': (p) => `There is no member \`${p.name}\` here yet.`,
  'license.invalid': (p) =>
    `\`${p.license}\` is not an SPDX license id (e.g. CC-BY-SA-4.0, MIT, Apache-2.0).`,
  'link.invalid': (p) => `\`${p.link}\` is not an http(s) link.`,
  'digest.badTime': (p) => `\`${p.at}\` is not a time; write HH:MM, e.g. 09:00.`,
  'digest.badZone': (p) => `\`${p.tz}\` is not a time zone; write Area/City, e.g. Europe/Berlin.`,
  'channel.notFound': (p) =>
    `There is no channel \`${p.channel}\` here that Ostrom can post in. Channels it can post in: ${p.valid}.`,
  'help.unknown': (p) => `No help for \`${p.command}\`. Commands: ${p.valid}.`,
} satisfies Record<string, (p: Params) => string>;

const echo = (v: Params[string]) => (typeof v === 'string' ? visible(v) : v);

export type ErrorCode = keyof typeof messages;

/** An expected failure: the command changes nothing and the user is told why, privately. */
export class UserError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly params: Params = {},
  ) {
    // Params may echo what the member typed (an unknown word): never raw control characters.
    super(messages[code](Object.fromEntries(Object.entries(params).map(([k, v]) => [k, echo(v)]))));
    this.name = 'UserError';
  }
}

/** The coded error as a value, for replies. */
export interface UserErrorValue {
  code: ErrorCode;
  message: string;
  /** The option a bad input is about, when one is named: a form shows the message under its field. */
  option?: string;
}

export function toValue(e: UserError): UserErrorValue {
  const { option } = e.params;
  return { code: e.code, message: e.message, ...(typeof option === 'string' && { option }) };
}
