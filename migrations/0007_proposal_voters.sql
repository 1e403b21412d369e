CREATE TABLE `proposal_voters` (
	`community_id` integer NOT NULL,
	`proposal_id` integer NOT NULL,
	`member_id` integer NOT NULL,
	`value` text NOT NULL,
	`joined_at` integer NOT NULL,
	PRIMARY KEY(`proposal_id`, `member_id`)
);
--> statement-breakpoint
CREATE INDEX `proposal_voters_joined` ON `proposal_voters` (`proposal_id`,`joined_at`,`value`);--> statement-breakpoint
CREATE INDEX `proposal_voters_member` ON `proposal_voters` (`community_id`,`member_id`);