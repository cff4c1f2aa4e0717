-- Each level against one chosen plan's targets, every period.
SELECT period, period_type, level, indicator_code, value, target, deadline, plan_code, doc_number,
       CAST(NULL AS DOUBLE) AS expected, status, status_at_deadline
FROM plan_progress
WHERE plan_code = $plan
ORDER BY period, level, indicator_code
