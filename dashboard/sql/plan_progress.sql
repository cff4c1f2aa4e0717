-- Each level against one chosen plan's targets, for the periods asked.
SELECT period, period_type, level, indicator_code, value, target, deadline, plan_code, doc_number,
       CAST(NULL AS DOUBLE) AS expected, status
FROM plan_progress
WHERE plan_code = $plan AND list_contains($periods, period)
