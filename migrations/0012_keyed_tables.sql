-- Tables keyed by a composite primary key become WITHOUT ROWID (written by hand; drizzle-kit does not
-- express it): the key's b-tree is the table, instead of a rowid table plus an index of the key, so a
-- write to them dirties one page fewer (a reaction's tally, a platform event's id; issue 12).
CREATE TABLE `__new_vote_tallies` (
	`community_id` integer NOT NULL,
	`target_type` text NOT NULL,
	`target_id` integer NOT NULL,
	`yes` integer DEFAULT 0 NOT NULL,
	`no` integer DEFAULT 0 NOT NULL,
	`abstain` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`target_type`, `target_id`)
) WITHOUT ROWID;--> statement-breakpoint
INSERT INTO `__new_vote_tallies`("community_id", "target_type", "target_id", "yes", "no", "abstain") SELECT "community_id", "target_type", "target_id", "yes", "no", "abstain" FROM `vote_tallies`;--> statement-breakpoint
DROP TABLE `vote_tallies`;--> statement-breakpoint
ALTER TABLE `__new_vote_tallies` RENAME TO `vote_tallies`;--> statement-breakpoint
CREATE TABLE `__new_processed_events` (
	`platform` text NOT NULL,
	`event_id` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`platform`, `event_id`)
) WITHOUT ROWID;--> statement-breakpoint
INSERT INTO `__new_processed_events`("platform", "event_id", "at") SELECT "platform", "event_id", "at" FROM `processed_events`;--> statement-breakpoint
DROP TABLE `processed_events`;--> statement-breakpoint
ALTER TABLE `__new_processed_events` RENAME TO `processed_events`;--> statement-breakpoint
CREATE INDEX `processed_events_at` ON `processed_events` (`at`);--> statement-breakpoint
CREATE TABLE `__new_proposal_voters` (
	`community_id` integer NOT NULL,
	`proposal_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`value` text NOT NULL,
	`joined_at` integer NOT NULL,
	PRIMARY KEY(`proposal_id`, `member_id`)
) WITHOUT ROWID;--> statement-breakpoint
INSERT INTO `__new_proposal_voters`("community_id", "proposal_id", "member_id", "value", "joined_at") SELECT "community_id", "proposal_id", "member_id", "value", "joined_at" FROM `proposal_voters`;--> statement-breakpoint
DROP TABLE `proposal_voters`;--> statement-breakpoint
ALTER TABLE `__new_proposal_voters` RENAME TO `proposal_voters`;--> statement-breakpoint
CREATE INDEX `proposal_voters_joined` ON `proposal_voters` (`proposal_id`,`joined_at`,`value`);--> statement-breakpoint
CREATE INDEX `proposal_voters_member` ON `proposal_voters` (`community_id`,`member_id`);--> statement-breakpoint
CREATE TABLE `__new_open_task_skills` (
	`community_id` integer NOT NULL,
	`skill` text NOT NULL,
	`n` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`community_id`, `skill`)
) WITHOUT ROWID;--> statement-breakpoint
INSERT INTO `__new_open_task_skills`("community_id", "skill", "n") SELECT "community_id", "skill", "n" FROM `open_task_skills`;--> statement-breakpoint
DROP TABLE `open_task_skills`;--> statement-breakpoint
ALTER TABLE `__new_open_task_skills` RENAME TO `open_task_skills`;--> statement-breakpoint
CREATE TABLE `__new_task_skills` (
	`task_id` integer NOT NULL,
	`community_id` integer NOT NULL,
	`skill` text NOT NULL,
	PRIMARY KEY(`task_id`, `skill`),
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE no action
) WITHOUT ROWID;--> statement-breakpoint
INSERT INTO `__new_task_skills`("task_id", "community_id", "skill") SELECT "task_id", "community_id", "skill" FROM `task_skills`;--> statement-breakpoint
DROP TABLE `task_skills`;--> statement-breakpoint
ALTER TABLE `__new_task_skills` RENAME TO `task_skills`;--> statement-breakpoint
CREATE INDEX `task_skills_community_skill` ON `task_skills` (`community_id`,`skill`);
