-- level_progress read once: the period itself and the quarters of the trend window before it.
-- (The view is costly to evaluate; one pass serves the levels, the trend and the status counts.)
SELECT period, period_type, indicator_code, level, numerator, denominator, value, target, deadline,
       plan_code, doc_number, expected, status, units_reporting, units_expected, partial
FROM level_progress
WHERE period = $period
   OR (period_type = 'quarter' AND period >= $first AND period <= $last)
ORDER BY indicator_code, period,
         CASE level WHEN 'province' THEN 1 WHEN 'district' THEN 2 ELSE 3 END;
