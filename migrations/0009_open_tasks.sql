CREATE TABLE `open_task_skills` (
	`community_id` integer NOT NULL,
	`skill` text NOT NULL,
	`n` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`community_id`, `skill`)
);
--> statement-breakpoint
ALTER TABLE `communities` ADD `open_tasks` integer DEFAULT 0 NOT NULL;