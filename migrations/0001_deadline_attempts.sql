ALTER TABLE `deadlines` ADD `attempts` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `deadlines` ADD `last_error` text;