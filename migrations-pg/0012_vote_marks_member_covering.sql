-- A member's marks by target, in the index itself: `/commons profile` counts a member's votes per target
-- type from the index alone instead of reading each mark's row from a table of millions (issue 12).
DROP INDEX "vote_marks_member";--> statement-breakpoint
CREATE INDEX "vote_marks_member" ON "vote_marks" USING btree ("community_id","member_id","target_type","target_id");