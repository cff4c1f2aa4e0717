-- Every quarter of every indicator per level, with the target in force and the trajectory.
SELECT period, level, indicator_code, value, target, deadline, expected, status, doc_number
FROM level_progress
WHERE period_type = 'quarter' AND (value IS NOT NULL OR target IS NOT NULL)
ORDER BY period, level, indicator_code
