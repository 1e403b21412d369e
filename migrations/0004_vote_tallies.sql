CREATE TABLE `vote_tallies` (
	`community_id` integer NOT NULL,
	`target_type` text NOT NULL,
	`target_id` integer NOT NULL,
	`yes` integer DEFAULT 0 NOT NULL,
	`no` integer DEFAULT 0 NOT NULL,
	`abstain` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`target_type`, `target_id`)
);
--> statement-breakpoint
ALTER TABLE `communities` ADD `rules_version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `vote_marks` ADD `latest` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
CREATE INDEX `vote_marks_votes` ON `vote_marks` (`target_type`,`target_id`,`latest`,`value`,`id`);