/**
 * Storage schema. One community per (platform, external id); every row below it carries
 * `communityId` so each query stays inside one community and uses an index that starts with it.
 */

import {
  index,
  integer,
  sqliteTable,
  text,
  uniqueIndex,
  check,
  primaryKey,
  type AnySQLiteColumn,
} from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';
import { activeRank } from './expressions.js';

const createdAt = () => integer('created_at', { mode: 'number' }).notNull();
/** The owning community, declared lazily so tables may name `communities` before it is defined. */
const communityId = () =>
  integer('community_id')
    .notNull()
    .references((): AnySQLiteColumn => communities.id);

export const communities = sqliteTable(
  'communities',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    platform: text('platform').notNull(),
    externalId: text('external_id').notNull(),
    name: text('name'),
    setupAt: integer('setup_at'),
    nextTaskNo: integer('next_task_no').notNull().default(1),
    nextProposalNo: integer('next_proposal_no').notNull().default(1),
    /**
     * Bumped in every unit that writes a rule: a process keeps a community's parsed rules while the
     * version it read with the community row's lock is the one it cached them under.
     */
    rulesVersion: integer('rules_version').notNull().default(0),
    /**
     * How many ledger entries the community has: counted up in the unit that writes an entry, so
     * `/commons ledger` reads its total with the community row instead of counting every entry.
     */
    ledgerEntries: integer('ledger_entries').notNull().default(0),
    /** Tasks with a free slot, open or claimed: what `/task list` and the digest count (open-tasks.ts). */
    openTasks: integer('open_tasks').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('communities_platform_external').on(t.platform, t.externalId)],
);

export const members = sqliteTable(
  'members',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    communityId: communityId(),
    userId: text('user_id').notNull(),
    displayName: text('display_name').notNull(),
    joinedAt: integer('joined_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('members_community_user').on(t.communityId, t.userId),
    index('members_community_name').on(t.communityId, t.displayName),
    /** `findMemberByName` compares `lower(display_name)`. */
    index('members_community_lower_name').on(t.communityId, sql`lower(${t.displayName})`),
    /** Members eligible to vote (joined long enough ago), counted from the index alone; tallies find the few too new by it. */
    index('members_community_joined').on(t.communityId, t.joinedAt),
  ],
);

export const tasks = sqliteTable(
  'tasks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    communityId: communityId(),
    number: integer('number').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    skills: text('skills').notNull().default(''),
    slots: integer('slots').notNull().default(1),
    license: text('license').notNull(),
    status: text('status', { enum: ['open', 'claimed', 'review', 'done', 'cancelled'] }).notNull(),
    posterId: integer('poster_id')
      .notNull()
      .references(() => members.id),
    channelId: text('channel_id').notNull(),
    cancelReason: text('cancel_reason'),
    createdAt: createdAt(),
    updatedAt: integer('updated_at').notNull(),
    /**
     * Claims holding the task: active ones and those of its accepted work (as counted against `slots`).
     * Kept by `src/core/tasks/` in the unit that inserts or ends a claim, so "open with a free slot" is
     * a comparison of two columns instead of a count of claims per task.
     */
    taken: integer('taken').notNull().default(0),
  },
  (t) => [
    uniqueIndex('tasks_community_number').on(t.communityId, t.number),
    /** slots and taken too: counts of open tasks with a free slot read the index alone. */
    index('tasks_community_status').on(t.communityId, t.status, t.number, t.slots, t.taken),
    index('tasks_community_created').on(t.communityId, t.createdAt),
    /** Autocomplete walks tasks active first, newest first, and stops at the first matches. */
    index('tasks_community_active_number').on(t.communityId, activeRank(t.status), t.number),
  ],
);

/** Skills are also kept one row each so `/task list skill:x` and digests use an index. */
export const taskSkills = sqliteTable(
  'task_skills',
  {
    taskId: integer('task_id')
      .notNull()
      .references(() => tasks.id),
    communityId: integer('community_id').notNull(),
    skill: text('skill').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.taskId, t.skill] }),
    index('task_skills_community_skill').on(t.communityId, t.skill),
  ],
);

export const claims = sqliteTable(
  'claims',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    communityId: integer('community_id').notNull(),
    taskId: integer('task_id')
      .notNull()
      .references(() => tasks.id),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    status: text('status', { enum: ['active', 'released', 'expired', 'done', 'cancelled'] }).notNull(),
    claimedAt: integer('claimed_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    endedAt: integer('ended_at'),
  },
  (t) => [
    index('claims_task_status').on(t.taskId, t.status),
    index('claims_member_status').on(t.communityId, t.memberId, t.status),
    index('claims_community_status_expires').on(t.communityId, t.status, t.expiresAt),
  ],
);

export const submissions = sqliteTable(
  'submissions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    communityId: integer('community_id').notNull(),
    taskId: integer('task_id')
      .notNull()
      .references(() => tasks.id),
    submitterId: integer('submitter_id')
      .notNull()
      .references(() => members.id),
    link: text('link'),
    note: text('note'),
    status: text('status', { enum: ['open', 'accepted', 'superseded', 'withdrawn'] }).notNull(),
    createdAt: createdAt(),
    decidedAt: integer('decided_at'),
  },
  (t) => [
    index('submissions_task_status').on(t.taskId, t.status),
    /** Open submissions oldest first (the digest's review section) read in index order. */
    index('submissions_community_status').on(t.communityId, t.status, t.createdAt, t.id),
  ],
);

export const proposals = sqliteTable(
  'proposals',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    communityId: communityId(),
    number: integer('number').notNull(),
    title: text('title').notNull(),
    body: text('body'),
    authorId: integer('author_id')
      .notNull()
      .references(() => members.id),
    rule: text('rule', { enum: ['lazy', 'consent', 'majority', 'supermajority'] }).notNull(),
    quorum: integer('quorum').notNull(),
    /** Frozen rules at opening: eligibility threshold in days. */
    minMemberDays: integer('min_member_days').notNull().default(0),
    changeKey: text('change_key'),
    changeValue: text('change_value'),
    channelId: text('channel_id').notNull(),
    status: text('status', { enum: ['open', 'passed', 'rejected', 'withdrawn'] }).notNull(),
    opensAt: integer('opens_at').notNull(),
    closesAt: integer('closes_at').notNull(),
    closedAt: integer('closed_at'),
    outcome: text('outcome'),
  },
  (t) => [
    uniqueIndex('proposals_community_number').on(t.communityId, t.number),
    index('proposals_community_status').on(t.communityId, t.status, t.closesAt),
  ],
);

/**
 * A voting mark: one reaction (source = the platform emoji) or one command vote (source = 'command')
 * by a member on a submission or proposal. The member's vote is their mark with the highest id (the latest),
 * flagged `latest` = 1 (every other mark of theirs on the target is 0); `vote_tallies` counts the flagged ones.
 */
export const voteMarks = sqliteTable(
  'vote_marks',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    communityId: integer('community_id').notNull(),
    targetType: text('target_type', { enum: ['submission', 'proposal'] }).notNull(),
    targetId: integer('target_id').notNull(),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    source: text('source').notNull(),
    value: text('value', { enum: ['yes', 'no', 'abstain'] }).notNull(),
    reason: text('reason'),
    createdAt: createdAt(),
    /** 1 on the member's latest mark on the target (their vote), 0 on their earlier ones. A new mark is the latest. */
    latest: integer('latest').notNull().default(1),
  },
  (t) => [
    uniqueIndex('vote_marks_unique').on(t.targetType, t.targetId, t.memberId, t.source),
    index('vote_marks_member').on(t.communityId, t.memberId, t.targetType, t.targetId),
    // The votes of a target by value, in the order they were cast: the first names a card shows.
    index('vote_marks_votes').on(t.targetType, t.targetId, t.latest, t.value, t.id),
  ],
);

/**
 * The votes on a target (its `latest` marks) counted by value, kept in the transaction that changes a
 * mark, so a tally costs the same with five votes or five thousand. Who does not count (a claimant, a
 * member too new) is subtracted when tallying: that depends on the moment and on the task's claims.
 */
export const voteTallies = sqliteTable(
  'vote_tallies',
  {
    communityId: integer('community_id').notNull(),
    targetType: text('target_type', { enum: ['submission', 'proposal'] }).notNull(),
    targetId: integer('target_id').notNull(),
    yes: integer('yes').notNull().default(0),
    no: integer('no').notNull().default(0),
    abstain: integer('abstain').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.targetType, t.targetId] })],
);

/**
 * Each member's vote on a proposal (the value of their `latest` mark) with their `members.joined_at`,
 * kept in the statements that change the marks (proposals only: review-card marks never write it) and
 * moved with the member when the platform reports an earlier join. The votes that do not count on a
 * proposal (members too new) are found by its (proposal, joined_at) index: as many as there are,
 * whatever the votes on the proposal or the members who joined since.
 */
export const proposalVoters = sqliteTable(
  'proposal_voters',
  {
    communityId: integer('community_id').notNull(),
    proposalId: integer('proposal_id').notNull(),
    memberId: integer('member_id').notNull(),
    value: text('value', { enum: ['yes', 'no', 'abstain'] }).notNull(),
    joinedAt: integer('joined_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.proposalId, t.memberId] }),
    index('proposal_voters_joined').on(t.proposalId, t.joinedAt, t.value),
    index('proposal_voters_member').on(t.communityId, t.memberId),
  ],
);

/**
 * Tasks with a free slot (open or claimed), by skill ('' for the tasks naming none), kept by the units
 * that change a task's status or claims (src/core/tasks/open-tasks.ts): the digest's groups.
 */
export const openTaskSkills = sqliteTable(
  'open_task_skills',
  {
    communityId: integer('community_id').notNull(),
    skill: text('skill').notNull(),
    n: integer('n').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.communityId, t.skill] })],
);

/** Which platform message shows which entity (`task:12`, `submission:5`, `proposal:3`, `digest:…`). */
export const cards = sqliteTable(
  'cards',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    communityId: communityId(),
    cardKey: text('card_key').notNull(),
    channelId: text('channel_id').notNull(),
    messageId: text('message_id').notNull(),
    threadId: text('thread_id'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('cards_community_key').on(t.communityId, t.cardKey),
    uniqueIndex('cards_community_message').on(t.communityId, t.messageId),
  ],
);

/** Inbound platform events already applied; a repeat of one changes nothing. */
export const processedEvents = sqliteTable(
  'processed_events',
  {
    platform: text('platform').notNull(),
    eventId: text('event_id').notNull(),
    at: integer('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.platform, t.eventId] }), index('processed_events_at').on(t.at)],
);

/**
 * Business deadlines as rows: claimed and marked done in the transaction that acts on them. A run that
 * throws is rolled back and retried later (`attempts`, `last_error`); after too many it is `failed`.
 */
export const deadlines = sqliteTable(
  'deadlines',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    communityId: communityId(),
    key: text('key').notNull(),
    kind: text('kind').notNull(),
    dueAt: integer('due_at').notNull(),
    payload: text('payload').notNull().default('{}'),
    status: text('status', { enum: ['pending', 'done', 'cancelled', 'failed'] }).notNull(),
    doneAt: integer('done_at'),
    /** Failed runs so far; reset when the deadline is scheduled again. */
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
  },
  (t) => [uniqueIndex('deadlines_key').on(t.key), index('deadlines_status_due').on(t.status, t.dueAt)],
);

export const ledger = sqliteTable(
  'ledger',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    communityId: communityId(),
    taskId: integer('task_id')
      .notNull()
      .references(() => tasks.id),
    submissionId: integer('submission_id')
      .notNull()
      .references(() => submissions.id),
    /** JSON arrays of { memberId, userId, name }. */
    contributors: text('contributors').notNull(),
    reviewers: text('reviewers').notNull(),
    link: text('link'),
    license: text('license').notNull(),
    acceptedAt: integer('accepted_at').notNull(),
    auditHash: text('audit_hash').notNull(),
  },
  (t) => [
    uniqueIndex('ledger_submission').on(t.submissionId),
    index('ledger_community_accepted').on(t.communityId, t.acceptedAt),
    /** The ledger, newest first: by id within the community. */
    index('ledger_community_id').on(t.communityId, t.id),
  ],
);

/** Who took part in each ledger entry, one row per (entry, member, role), for profiles. */
export const ledgerPeople = sqliteTable(
  'ledger_people',
  {
    ledgerId: integer('ledger_id')
      .notNull()
      .references(() => ledger.id),
    communityId: integer('community_id').notNull(),
    memberId: integer('member_id')
      .notNull()
      .references(() => members.id),
    role: text('role', { enum: ['contributor', 'reviewer'] }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.ledgerId, t.memberId, t.role] }),
    /** A member's entries, newest first, and their counts by role, from the index alone. */
    index('ledger_people_member').on(t.communityId, t.memberId, t.ledgerId, t.role),
  ],
);

export const rules = sqliteTable(
  'rules',
  {
    communityId: communityId(),
    key: text('key').notNull(),
    /** JSON-encoded value. */
    value: text('value').notNull(),
    /** 'setup' or 'P<n>'. */
    setBy: text('set_by').notNull(),
    setAt: integer('set_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.communityId, t.key] })],
);

export const digestSchedules = sqliteTable(
  'digest_schedules',
  {
    communityId: communityId(),
    channelId: text('channel_id').notNull(),
    cadence: text('cadence', { enum: ['daily', 'weekly'] }).notNull(),
    at: text('at').notNull(),
    day: text('day'),
    tz: text('tz').notNull(),
    lastDigestAt: integer('last_digest_at'),
  },
  (t) => [primaryKey({ columns: [t.communityId, t.channelId] })],
);

/** Per channel: when the last digest was posted, so "new since the last digest" is defined. */
export const digestMarks = sqliteTable(
  'digest_marks',
  {
    communityId: integer('community_id').notNull(),
    channelId: text('channel_id').notNull(),
    lastAt: integer('last_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.communityId, t.channelId] })],
);

export const audit = sqliteTable(
  'audit',
  {
    /** `community × 2³² + seq` (audit-key.ts): each community's chain is one run of keys. */
    chainKey: integer('chain_key').primaryKey(),
    communityId: communityId(),
    seq: integer('seq').notNull(),
    at: integer('at').notNull(),
    actor: text('actor'),
    type: text('type').notNull(),
    data: text('data').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [check('audit_chain_key', sql`${t.chainKey} = ${t.communityId} * 4294967296 + ${t.seq}`)],
);

/** Small key-value state of adapters (e.g. the console's clock offset and message counter). */
export const kv = sqliteTable('kv', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

/**
 * Slack installations (distribution mode): one per workspace, or per org-wide install of an Enterprise
 * Grid (team id ''); an absent id is '' so the unique index holds. The installation Bolt keeps
 * (tokens, refresh token, scopes …) is `data`, sealed with OSTROM_SECRET_KEY; the columns beside it
 * are what finds a row and what an operator may read, never a token. No link to `communities`: an
 * uninstall deletes this row and keeps the community's ledger.
 */
export const slackInstallations = sqliteTable(
  'slack_installations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    enterpriseId: text('enterprise_id').notNull().default(''),
    teamId: text('team_id').notNull().default(''),
    teamName: text('team_name'),
    appId: text('app_id'),
    botUserId: text('bot_user_id'),
    /** When the bot token expires (token rotation), epoch ms; null without rotation. */
    tokenExpiresAt: integer('token_expires_at', { mode: 'number' }),
    data: text('data').notNull(),
    installedAt: integer('installed_at', { mode: 'number' }).notNull(),
    updatedAt: integer('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('slack_installations_enterprise_team').on(t.enterpriseId, t.teamId)],
);
