-- How many (indicator, level) targets are met, near, behind or without data in the period.
SELECT status, count(*) AS targets
FROM level_progress
WHERE period = $period AND target IS NOT NULL
GROUP BY status;
