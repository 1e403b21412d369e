-- The open tasks (a free slot, open or claimed) counted once, in total and by skill ('' for the tasks
-- naming none), as recountOpenTasks does (issue 12); from here on the units that change a task count
-- them. The bench builder runs it too.
UPDATE communities SET open_tasks = (
  SELECT count(*) FROM tasks t
  WHERE t.community_id = communities.id AND t.status IN ('open', 'claimed') AND t.slots > t.taken
);--> statement-breakpoint
INSERT INTO open_task_skills (community_id, skill, n)
SELECT t.community_id, coalesce(s.skill, ''), count(*)
FROM tasks t LEFT JOIN task_skills s ON s.task_id = t.id
WHERE t.status IN ('open', 'claimed') AND t.slots > t.taken
GROUP BY t.community_id, coalesce(s.skill, '');
