-- The last quarters up to the period, per indicator and level, with the target in force.
SELECT indicator_code, period, level, value, target, status
FROM level_progress
WHERE period_type = 'quarter' AND period <= $last AND period >= $first
  AND list_contains($indicators, indicator_code)
ORDER BY indicator_code, period,
         CASE level WHEN 'province' THEN 1 WHEN 'district' THEN 2 ELSE 3 END;
