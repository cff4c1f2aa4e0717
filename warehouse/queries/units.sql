-- Units of a level active in a period (for the unit filter), by name.
SELECT d.unit_key, d.unit_name, d.level, d.parent_key, d.parent_name
FROM unit_directory d, period_calendar c
WHERE c.period = $period AND d.level = $level AND NOT d.is_root
  AND d.valid_from <= c.end_date AND d.valid_to >= c.start_date
ORDER BY d.unit_name COLLATE vi
