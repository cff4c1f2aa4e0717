-- Each level against one chosen plan's targets, every period (the plan_progress view's rows as
-- the loader keeps them, warehouse/sql/kept_progress.sql).
SELECT period, period_type, level, indicator_code, value, target, deadline, plan_code, doc_number,
       CAST(NULL AS DOUBLE) AS expected, status, status_at_deadline
FROM plan_progress_kept
WHERE plan_code = $plan
ORDER BY period, level, indicator_code
