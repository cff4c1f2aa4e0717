-- Each level against its target in force, for the period (only indicators a plan targets).
SELECT indicator_code, level, numerator, denominator, value, target, deadline, plan_code,
       doc_number, expected, status, units_reporting, units_expected
FROM level_progress
WHERE period = $period AND target IS NOT NULL
ORDER BY indicator_code,
         CASE level WHEN 'province' THEN 1 WHEN 'district' THEN 2 ELSE 3 END;
