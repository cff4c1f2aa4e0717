-- Units expected but not reported in the quarters $periods (one level, or all when $level is NULL).
SELECT period, level, unit_key, unit_code, unit_name, parent_name, due_date
FROM missing_reports
WHERE list_contains($periods, period) AND ($level IS NULL OR level = $level)
ORDER BY period, CASE level WHEN 'province' THEN 1 WHEN 'district' THEN 2 ELSE 3 END,
         parent_name COLLATE vi NULLS FIRST, unit_name COLLATE vi, unit_key
