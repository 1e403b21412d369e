-- Votes kept up to date (issue 12): existing marks got latest = 1 by default; only each member's
-- newest mark on a target stays so, and vote_tallies counts those by value. Same statements as
-- tests/bench/build-community.ts runs after writing its marks.
UPDATE vote_marks SET latest = 0
WHERE id <> (
  SELECT max(m2.id) FROM vote_marks m2
  WHERE m2.target_type = vote_marks.target_type
    AND m2.target_id = vote_marks.target_id
    AND m2.member_id = vote_marks.member_id
);--> statement-breakpoint
INSERT INTO vote_tallies (community_id, target_type, target_id, yes, no, abstain)
SELECT community_id, target_type, target_id,
  sum(CASE WHEN value = 'yes' THEN 1 ELSE 0 END),
  sum(CASE WHEN value = 'no' THEN 1 ELSE 0 END),
  sum(CASE WHEN value = 'abstain' THEN 1 ELSE 0 END)
FROM vote_marks
WHERE latest = 1
GROUP BY community_id, target_type, target_id;
