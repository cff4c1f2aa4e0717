SELECT period, level, unit_key, unit_code, unit_name, parent_name, due_date
FROM missing_reports
WHERE period = $period AND ($level IS NULL OR level = $level)
ORDER BY level, parent_name COLLATE vi, unit_name COLLATE vi
