ALTER TABLE `communities` ADD `ledger_entries` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Existing entries counted once (issue 12); from here on the unit that writes an entry counts it.
UPDATE communities SET ledger_entries = (SELECT count(*) FROM ledger WHERE ledger.community_id = communities.id);
