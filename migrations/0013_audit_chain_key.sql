-- The audit table keyed by one integer, community × 2^32 + seq (src/db/audit-key.ts), its rowid
-- (written by hand: drizzle-kit would copy a key the old rows do not have). An event appended to a
-- chain goes at the end of the table's b-tree, where SQLite splits a full page by starting a new one:
-- about one page written per event, where the WITHOUT ROWID table of 0011 rebalanced its last pages
-- every few appends (2.6 pages per event). The check holds each key to its community and seq.
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_audit` (
	`chain_key` integer PRIMARY KEY NOT NULL,
	`community_id` integer NOT NULL,
	`seq` integer NOT NULL,
	`at` integer NOT NULL,
	`actor` text,
	`type` text NOT NULL,
	`data` text NOT NULL,
	`prev_hash` text NOT NULL,
	`hash` text NOT NULL,
	FOREIGN KEY (`community_id`) REFERENCES `communities`(`id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "audit_chain_key" CHECK("chain_key" = "community_id" * 4294967296 + "seq")
);
--> statement-breakpoint
INSERT INTO `__new_audit`("chain_key", "community_id", "seq", "at", "actor", "type", "data", "prev_hash", "hash") SELECT "community_id" * 4294967296 + "seq", "community_id", "seq", "at", "actor", "type", "data", "prev_hash", "hash" FROM `audit` ORDER BY "community_id", "seq";--> statement-breakpoint
DROP TABLE `audit`;--> statement-breakpoint
ALTER TABLE `__new_audit` RENAME TO `audit`;--> statement-breakpoint
PRAGMA foreign_keys=ON;
