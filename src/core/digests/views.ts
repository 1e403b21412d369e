/**
 * The digest card: plain data in, one neutral view out, built within the platform limits of
 * view-limits.ts. Each section is left out when empty; a long one ends in "…and N more".
 */
import type {
  AcceptedItem,
  DigestData,
  ExpiringClaim,
  ProposalItem,
  ReviewItem,
  SkillGroup,
  TaskItem,
} from './data.js';
import { shortTime } from './time.js';
import { DAY_MS, HOUR_MS } from '../shared/model.js';
import { FIELD_VALUE_MAX, FIELDS_MAX, fitView, TOTAL_MAX } from '../shared/view-limits.js';
import { nameList, truncate, type View, type ViewField } from '../shared/views.js';

/** One line per item at most this long, so one huge title cannot fill a section. */
export const LINE_MAX = 160;
/** No field holds more lines than this, so a caller handing over thousands costs nothing. */
const ITEMS_MAX = 100;
const first = <T>(l: { items: T[] }) => l.items.slice(0, ITEMS_MAX);
const TITLE_IN_LINE = 70;

/** A section before it is cut to its share of the card. */
interface Section {
  name: string;
  lines: string[];
  /** Items in all; `total - shown` are summed up as "…and N more". */
  total: number;
  /** What the "more" line counts: "more", "more skills". */
  more?: string;
}

export const moreLine = (n: number, what = 'more') => `…and ${n} ${what}`;

const oneLine = (text: string) => text.replace(/\s+/g, ' ');
const t = (title: string) => truncate(oneLine(title), TITLE_IN_LINE);
const line = (text: string) => truncate(text, LINE_MAX);
const person = (name: string) => truncate(oneLine(name), 40);
const names = (ns: string[]) => nameList(ns.map(person), 3);

function inWords(ms: number): string {
  if (ms <= 0) return 'now';
  if (ms < HOUR_MS) return `in ${Math.max(1, Math.round(ms / 60_000))} min`;
  if (ms < 2 * DAY_MS) return `in ${Math.round(ms / HOUR_MS)} h`;
  return `in ${Math.round(ms / DAY_MS)} days`;
}

function taskLine(x: TaskItem): string {
  const free = x.slots > 1 ? ` · ${x.slots - x.taken} of ${x.slots} slots free` : '';
  const skills = x.skills.length ? ` · ${x.skills.join(', ')}` : '';
  return line(`#${x.number} ${t(x.title)}${free}${skills}`);
}

function openLine(x: TaskItem): string {
  return line(
    `#${x.number} ${t(x.title)}${x.slots > 1 ? ` · ${x.slots - x.taken} of ${x.slots} slots free` : ''}`,
  );
}

function reviewLine(x: ReviewItem): string {
  const missing = Math.max(0, x.needed - x.approvals);
  const obj = x.objectors.length
    ? ` · ${x.objectors.length} objection${x.objectors.length === 1 ? '' : 's'} (${names(x.objectors)})`
    : '';
  return line(
    `#${x.taskNumber} ${t(x.title)} · ${x.approvals}/${x.needed} approvals${missing ? `, ${missing} missing` : ''}${obj}`,
  );
}

function proposalLine(x: ProposalItem, now: number): string {
  const tally = `yes ${x.yes} · no ${x.no} · abstain ${x.abstain}`;
  return line(
    `P${x.number} ${t(x.title)} · closes ${inWords(x.closesAt - now)} · ${tally} · ${x.notVoted} not voted yet`,
  );
}

function acceptedLine(x: AcceptedItem): string {
  return line(
    `#${x.taskNumber} ${t(x.title)} · by ${names(x.contributors)} · reviewed by ${names(x.reviewers)} · ${x.license}`,
  );
}

function claimLine(x: ExpiringClaim, now: number): string {
  return line(`#${x.taskNumber} ${t(x.title)} · ${person(x.member)} · expires ${inWords(x.expiresAt - now)}`);
}

function skillSection(g: SkillGroup): Section {
  const name = g.skill === null ? 'other' : truncate(g.skill, 60);
  return { name: `Open · ${name} (${g.total})`, lines: first(g).map(openLine), total: g.total };
}

/** The sections with content, in reading order, at most FIELDS_MAX of them. */
function sections(d: DigestData): Section[] {
  const out: Section[] = [];
  const add = (name: string, lines: string[], total: number) => {
    if (total > 0) out.push({ name: `${name} (${total})`, lines, total });
  };
  add(
    d.firstDigest ? 'New tasks this week' : 'New tasks since the last digest',
    first(d.newTasks).map(taskLine),
    d.newTasks.total,
  );
  const afterNew = out.length;
  add('Awaiting review', first(d.awaitingReview).map(reviewLine), d.awaitingReview.total);
  add(
    'Proposals closing within 48 h',
    first(d.closingProposals).map((x) => proposalLine(x, d.now)),
    d.closingProposals.total,
  );
  add('Accepted into the commons', first(d.accepted).map(acceptedLine), d.accepted.total);
  add(
    'Claims expiring within 3 days',
    first(d.expiringClaims).map((x) => claimLine(x, d.now)),
    d.expiringClaims.total,
  );
  out.splice(afterNew, 0, ...openSections(d, FIELDS_MAX - out.length));
  return out;
}

/** One section per skill while there is room for fields; the other skills are summed up in one last. */
function openSections(d: DigestData, room: number): Section[] {
  const all = d.open.groups;
  const fits = all.length <= room && d.open.totalGroups === all.length;
  const groups = all.slice(0, fits ? all.length : Math.max(0, room - 1)).map(skillSection);
  const hidden = d.open.totalGroups - groups.length;
  if (hidden > 0) {
    const rest = all
      .slice(groups.length, groups.length + ITEMS_MAX)
      .map((g) => line(`${g.skill === null ? 'other' : truncate(g.skill, 60)} (${g.total})`));
    groups.push({ name: 'Open · more skills', lines: rest, total: hidden, more: 'more skills' });
  }
  return groups;
}

/** Fills a field with as many whole lines as fit in `cap` characters together with "…and N more". */
export function fillLines(s: Pick<Section, 'lines' | 'total' | 'more'>, cap: number): string {
  const lines = s.lines.slice(0, s.total);
  const render = (k: number) => {
    const shown = lines.slice(0, k);
    return (k < s.total ? [...shown, moreLine(s.total - k, s.more)] : shown).join('\n');
  };
  let best = 0;
  let prefix = -1;
  for (const [i, l] of lines.entries()) {
    prefix += l.length + 1;
    const rest = s.total - (i + 1);
    if (prefix + (rest > 0 ? 1 + moreLine(rest, s.more).length : 0) <= cap) best = i + 1;
  }
  return render(best);
}

/** Shares `budget` characters among the fields: short ones get all they need, long ones split the rest. */
function shares(wants: number[], budget: number): number[] {
  const caps = new Array<number>(wants.length).fill(0);
  const order = wants.map((w, i) => ({ w, i })).sort((a, b) => a.w - b.w);
  let left = budget;
  for (const [k, { w, i }] of order.entries()) {
    caps[i] = Math.max(0, Math.min(w, Math.floor(left / (order.length - k))));
    left -= caps[i]!;
  }
  return caps;
}

function summary(d: DigestData): string {
  const parts = [
    d.newTasks.total && `${d.newTasks.total} new`,
    d.open.total && `${d.open.total} open with a free slot`,
    d.awaitingReview.total && `${d.awaitingReview.total} awaiting review`,
    d.closingProposals.total &&
      `${d.closingProposals.total} proposal${d.closingProposals.total === 1 ? '' : 's'} closing`,
    d.accepted.total && `${d.accepted.total} accepted`,
    d.expiringClaims.total &&
      `${d.expiringClaims.total} claim${d.expiringClaims.total === 1 ? '' : 's'} expiring`,
  ].filter(Boolean);
  const since = `Since ${shortTime(d.since, d.tz)} ${d.tz}${d.firstDigest ? ' (first digest here: the last 7 days)' : ''}`;
  return `${since}.\n${parts.length ? `${parts.join(' · ')}.` : 'All quiet: nothing new, nothing waiting.'}`;
}

/** The digest card for `d`, within every platform limit. */
export function renderDigest(d: DigestData): View {
  const where = d.community ? ` · ${truncate(d.community, 80)}` : '';
  const title = `Digest${where} · ${shortTime(d.now, d.tz)} ${d.tz}`;
  const description = summary(d);
  const footer = '/task list · /task claim N · /review N approve · /digest schedule daily|weekly|off';
  const secs = sections(d).map((s) => ({ ...s, name: truncate(s.name, 100) }));
  const fixed =
    title.length + description.length + footer.length + secs.reduce((n, s) => n + s.name.length, 0);
  const wants = secs.map((s) => fillLines(s, FIELD_VALUE_MAX).length);
  const caps = shares(wants, TOTAL_MAX - fixed);
  const fields: ViewField[] = secs.map((s, i) => ({ name: s.name, value: fillLines(s, caps[i]!) }));
  return fitView({ title, description, fields, footer, tone: 'neutral' });
}
