/** The plain data of a digest: what the renderer shows, section by section. */

/** Some items of a section and how many there are in all. */
export interface Listed<T> {
  items: T[];
  total: number;
}

export interface TaskItem {
  number: number;
  title: string;
  skills: string[];
  slots: number;
  /** Active claims. */
  taken: number;
}

/** Open tasks needing one skill; `skill` null is "other" (tasks naming no skill). */
export interface SkillGroup extends Listed<TaskItem> {
  skill: string | null;
}

export interface ReviewItem {
  taskNumber: number;
  title: string;
  submittedAt: number;
  approvals: number;
  needed: number;
  objectors: string[];
}

export interface ProposalItem {
  number: number;
  title: string;
  closesAt: number;
  yes: number;
  no: number;
  abstain: number;
  /** Members eligible to vote on it who have not. */
  notVoted: number;
}

export interface AcceptedItem {
  taskNumber: number;
  title: string;
  contributors: string[];
  reviewers: string[];
  license: string;
  acceptedAt: number;
}

export interface ExpiringClaim {
  taskNumber: number;
  title: string;
  member: string;
  expiresAt: number;
}

/** Everything the renderer needs, and nothing it must look up. */
export interface DigestData {
  community: string | null;
  channelId: string;
  now: number;
  /** "New" means after this instant: the channel's last digest, or a week ago for the first. */
  since: number;
  firstDigest: boolean;
  /** The channel's zone, for the times shown. */
  tz: string;
  newTasks: Listed<TaskItem>;
  /** Open tasks with a free slot: `total` distinct tasks, `totalGroups` skills (plus "other"). */
  open: { total: number; totalGroups: number; groups: SkillGroup[] };
  awaitingReview: Listed<ReviewItem>;
  closingProposals: Listed<ProposalItem>;
  accepted: Listed<AcceptedItem>;
  expiringClaims: Listed<ExpiringClaim>;
}
