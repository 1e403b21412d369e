DROP INDEX `ledger_people_member`;--> statement-breakpoint
CREATE INDEX `ledger_people_member` ON `ledger_people` (`community_id`,`member_id`,`ledger_id`,`role`);--> statement-breakpoint
DROP INDEX `submissions_community_status`;--> statement-breakpoint
CREATE INDEX `submissions_community_status` ON `submissions` (`community_id`,`status`,`created_at`,`id`);--> statement-breakpoint
DROP INDEX `tasks_community_status`;--> statement-breakpoint
ALTER TABLE `tasks` ADD `taken` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
UPDATE `tasks` SET `taken` = (SELECT count(*) FROM `claims` WHERE `claims`.`task_id` = `tasks`.`id` AND `claims`.`status` IN ('active', 'done'));--> statement-breakpoint
CREATE INDEX `tasks_community_active_number` ON `tasks` (`community_id`,(case when "status" in ('open', 'claimed', 'review') then 1 else 0 end),`number`);--> statement-breakpoint
CREATE INDEX `tasks_community_status` ON `tasks` (`community_id`,`status`,`number`,`slots`,`taken`);--> statement-breakpoint
CREATE INDEX `ledger_community_id` ON `ledger` (`community_id`,`id`);--> statement-breakpoint
CREATE INDEX `members_community_lower_name` ON `members` (`community_id`,lower("display_name"));--> statement-breakpoint
CREATE INDEX `members_community_joined` ON `members` (`community_id`,`joined_at`);