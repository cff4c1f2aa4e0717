-- Each level against the target in force, for the periods asked.
SELECT period, period_type, level, indicator_code, numerator, denominator, value, target, deadline,
       plan_code, doc_number, expected, status, units_reporting, units_expected
FROM level_progress
WHERE list_contains($periods, period)
