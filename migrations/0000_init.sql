CREATE TABLE `audit` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`community_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`at` integer NOT NULL,
	`actor` text,
	`type` text NOT NULL,
	`data` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL,
	FOREIGN KEY (`community_id`) REFERENCES `communities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `audit_community_seq` ON `audit` (`community_id`,`seq`);--> statement-breakpoint
CREATE TABLE `cards` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`community_id` integer NOT NULL,
	`card_key` text NOT NULL,
	`channel_id` text NOT NULL,
	`message_id` text NOT NULL,
	`thread_id` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`community_id`) REFERENCES `communities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `cards_community_key` ON `cards` (`community_id`,`card_key`);--> statement-breakpoint
CREATE UNIQUE INDEX `cards_community_message` ON `cards` (`community_id`,`message_id`);--> statement-breakpoint
CREATE TABLE `claims` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`community_id` integer NOT NULL,
	`task_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`status` text NOT NULL,
	`claimed_at` integer NOT NULL,
	`expires_at` integer NOT NULL,
	`ended_at` integer,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `claims_task_status` ON `claims` (`task_id`,`status`);--> statement-breakpoint
CREATE INDEX `claims_member_status` ON `claims` (`community_id`,`member_id`,`status`);--> statement-breakpoint
CREATE INDEX `claims_community_status_expires` ON `claims` (`community_id`,`status`,`expires_at`);--> statement-breakpoint
CREATE TABLE `communities` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`platform` text NOT NULL,
	`external_id` text NOT NULL,
	`name` text,
	`setup_at` integer,
	`next_task_no` integer DEFAULT 1 NOT NULL,
	`next_proposal_no` integer DEFAULT 1 NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `communities_platform_external` ON `communities` (`platform`,`external_id`);--> statement-breakpoint
CREATE TABLE `deadlines` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`community_id` integer NOT NULL,
	`key` text NOT NULL,
	`kind` text NOT NULL,
	`due_at` integer NOT NULL,
	`payload` text DEFAULT '{}' NOT NULL,
	`status` text NOT NULL,
	`done_at` integer,
	FOREIGN KEY (`community_id`) REFERENCES `communities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deadlines_key` ON `deadlines` (`key`);--> statement-breakpoint
CREATE INDEX `deadlines_status_due` ON `deadlines` (`status`,`due_at`);--> statement-breakpoint
CREATE TABLE `digest_marks` (
	`community_id` integer NOT NULL,
	`channel_id` text NOT NULL,
	`last_at` integer NOT NULL,
	PRIMARY KEY(`community_id`, `channel_id`)
);
--> statement-breakpoint
CREATE TABLE `digest_schedules` (
	`community_id` integer NOT NULL,
	`channel_id` text NOT NULL,
	`cadence` text NOT NULL,
	`at` text NOT NULL,
	`day` text,
	`tz` text NOT NULL,
	`last_digest_at` integer,
	PRIMARY KEY(`community_id`, `channel_id`),
	FOREIGN KEY (`community_id`) REFERENCES `communities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `kv` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ledger` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`community_id` integer NOT NULL,
	`task_id` integer NOT NULL,
	`submission_id` integer NOT NULL,
	`contributors` text NOT NULL,
	`reviewers` text NOT NULL,
	`link` text,
	`license` text NOT NULL,
	`accepted_at` integer NOT NULL,
	`audit_hash` text NOT NULL,
	FOREIGN KEY (`community_id`) REFERENCES `communities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`submission_id`) REFERENCES `submissions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `ledger_submission` ON `ledger` (`submission_id`);--> statement-breakpoint
CREATE INDEX `ledger_community_accepted` ON `ledger` (`community_id`,`accepted_at`);--> statement-breakpoint
CREATE TABLE `ledger_people` (
	`ledger_id` integer NOT NULL,
	`community_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`role` text NOT NULL,
	PRIMARY KEY(`ledger_id`, `member_id`, `role`),
	FOREIGN KEY (`ledger_id`) REFERENCES `ledger`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `ledger_people_member` ON `ledger_people` (`community_id`,`member_id`,`role`);--> statement-breakpoint
CREATE TABLE `members` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`community_id` integer NOT NULL,
	`user_id` text NOT NULL,
	`display_name` text NOT NULL,
	`joined_at` integer NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`community_id`) REFERENCES `communities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `members_community_user` ON `members` (`community_id`,`user_id`);--> statement-breakpoint
CREATE INDEX `members_community_name` ON `members` (`community_id`,`display_name`);--> statement-breakpoint
CREATE TABLE `processed_events` (
	`platform` text NOT NULL,
	`event_id` text NOT NULL,
	`at` integer NOT NULL,
	PRIMARY KEY(`platform`, `event_id`)
);
--> statement-breakpoint
CREATE INDEX `processed_events_at` ON `processed_events` (`at`);--> statement-breakpoint
CREATE TABLE `proposals` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`community_id` integer NOT NULL,
	`number` integer NOT NULL,
	`title` text NOT NULL,
	`body` text,
	`author_id` integer NOT NULL,
	`rule` text NOT NULL,
	`quorum` integer NOT NULL,
	`min_member_days` integer DEFAULT 0 NOT NULL,
	`change_key` text,
	`change_value` text,
	`channel_id` text NOT NULL,
	`status` text NOT NULL,
	`opens_at` integer NOT NULL,
	`closes_at` integer NOT NULL,
	`closed_at` integer,
	`outcome` text,
	FOREIGN KEY (`community_id`) REFERENCES `communities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`author_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `proposals_community_number` ON `proposals` (`community_id`,`number`);--> statement-breakpoint
CREATE INDEX `proposals_community_status` ON `proposals` (`community_id`,`status`,`closes_at`);--> statement-breakpoint
CREATE TABLE `rules` (
	`community_id` integer NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	`set_by` text NOT NULL,
	`set_at` integer NOT NULL,
	PRIMARY KEY(`community_id`, `key`),
	FOREIGN KEY (`community_id`) REFERENCES `communities`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `submissions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`community_id` integer NOT NULL,
	`task_id` integer NOT NULL,
	`submitter_id` integer NOT NULL,
	`link` text,
	`note` text,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`decided_at` integer,
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`submitter_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `submissions_task_status` ON `submissions` (`task_id`,`status`);--> statement-breakpoint
CREATE INDEX `submissions_community_status` ON `submissions` (`community_id`,`status`);--> statement-breakpoint
CREATE TABLE `task_skills` (
	`task_id` integer NOT NULL,
	`community_id` integer NOT NULL,
	`skill` text NOT NULL,
	PRIMARY KEY(`task_id`, `skill`),
	FOREIGN KEY (`task_id`) REFERENCES `tasks`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `task_skills_community_skill` ON `task_skills` (`community_id`,`skill`);--> statement-breakpoint
CREATE TABLE `tasks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`community_id` integer NOT NULL,
	`number` integer NOT NULL,
	`title` text NOT NULL,
	`description` text,
	`skills` text DEFAULT '' NOT NULL,
	`slots` integer DEFAULT 1 NOT NULL,
	`license` text NOT NULL,
	`status` text NOT NULL,
	`poster_id` integer NOT NULL,
	`channel_id` text NOT NULL,
	`cancel_reason` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`community_id`) REFERENCES `communities`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`poster_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tasks_community_number` ON `tasks` (`community_id`,`number`);--> statement-breakpoint
CREATE INDEX `tasks_community_status` ON `tasks` (`community_id`,`status`,`number`);--> statement-breakpoint
CREATE INDEX `tasks_community_created` ON `tasks` (`community_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `vote_marks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`community_id` integer NOT NULL,
	`target_type` text NOT NULL,
	`target_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`source` text NOT NULL,
	`value` text NOT NULL,
	`reason` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`member_id`) REFERENCES `members`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `vote_marks_unique` ON `vote_marks` (`target_type`,`target_id`,`member_id`,`source`);--> statement-breakpoint
CREATE INDEX `vote_marks_member` ON `vote_marks` (`community_id`,`member_id`);