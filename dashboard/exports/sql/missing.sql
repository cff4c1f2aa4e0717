-- Units expected but not reported in the quarters of the period.
SELECT period, level, unit_key, unit_code, unit_name, parent_name, due_date
FROM missing_reports
WHERE list_contains($periods, period)
ORDER BY period, CASE level WHEN 'province' THEN 1 WHEN 'district' THEN 2 ELSE 3 END,
         parent_name NULLS FIRST, unit_name, unit_key;
