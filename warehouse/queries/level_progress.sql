-- Each level against the target in force, every period: the level_progress view's rows as the
-- loader keeps them (warehouse/sql/kept_progress.sql), read once per warehouse version and cached.
SELECT period, period_type, level, indicator_code, numerator, denominator, value, target, deadline,
       plan_code, doc_number, expected, status, units_reporting, units_expected,
       status_at_deadline, coverage, partial
FROM level_progress_kept
WHERE value IS NOT NULL OR target IS NOT NULL
ORDER BY period, level, indicator_code
