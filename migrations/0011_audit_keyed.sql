-- The audit chain keyed by (community, seq), WITHOUT ROWID (written by hand; drizzle-kit does not
-- express it): one b-tree instead of a table, its unique index and an AUTOINCREMENT counter, so an
-- appended event writes one page instead of two or three (issue 12).
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_audit` (
	`community_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`at` integer NOT NULL,
	`actor` text,
	`type` text NOT NULL,
	`data` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL,
	PRIMARY KEY(`community_id`, `seq`),
	FOREIGN KEY (`community_id`) REFERENCES `communities`(`id`) ON UPDATE no action ON DELETE no action
) WITHOUT ROWID;
--> statement-breakpoint
INSERT INTO `__new_audit`("community_id", "seq", "at", "actor", "type", "data", "prev_hash", "hash") SELECT "community_id", "seq", "at", "actor", "type", "data", "prev_hash", "hash" FROM `audit` ORDER BY "community_id", "seq";--> statement-breakpoint
DROP TABLE `audit`;--> statement-breakpoint
ALTER TABLE `__new_audit` RENAME TO `audit`;--> statement-breakpoint
PRAGMA foreign_keys=ON;