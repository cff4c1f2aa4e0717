-- Every quarter of every indicator per level against one chosen plan.
SELECT period, level, indicator_code, value, target, deadline, CAST(NULL AS DOUBLE) AS expected, status,
       doc_number
FROM plan_progress
WHERE plan_code = $plan AND period_type = 'quarter'
ORDER BY period, level, indicator_code
