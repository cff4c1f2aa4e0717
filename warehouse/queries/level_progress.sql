-- Each level against the target in force, every period: read once per warehouse version and
-- cached, because the view computes all periods whatever the filter.
SELECT period, period_type, level, indicator_code, numerator, denominator, value, target, deadline,
       plan_code, doc_number, expected, status, units_reporting, units_expected,
       status_at_deadline, coverage, partial
FROM level_progress
WHERE value IS NOT NULL OR target IS NOT NULL
ORDER BY period, level, indicator_code
