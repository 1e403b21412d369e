CREATE TABLE `slack_installations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`enterprise_id` text DEFAULT '' NOT NULL,
	`team_id` text DEFAULT '' NOT NULL,
	`team_name` text,
	`app_id` text,
	`bot_user_id` text,
	`token_expires_at` integer,
	`data` text NOT NULL,
	`installed_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `slack_installations_enterprise_team` ON `slack_installations` (`enterprise_id`,`team_id`);