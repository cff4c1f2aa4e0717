-- The units directly under a unit, with their values in one period.
SELECT d.unit_key, d.unit_name, d.level, tp.indicator_code, tp.value, tp.target, tp.status
FROM unit_directory d
LEFT JOIN target_progress tp ON tp.unit_key = d.unit_key AND tp.period = $period
WHERE d.parent_key = $unit
ORDER BY d.unit_name COLLATE vi
