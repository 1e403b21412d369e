-- Each member's vote on a proposal with their join time (issue 12): from the latest marks (the
-- vote_tallies backfill set those flags) and the members' joined_at. The bench builder runs it too.
INSERT INTO proposal_voters (community_id, proposal_id, member_id, value, joined_at)
SELECT v.community_id, v.target_id, v.member_id, v.value, m.joined_at
FROM vote_marks v JOIN members m ON m.id = v.member_id
WHERE v.target_type = 'proposal' AND v.latest = 1;
