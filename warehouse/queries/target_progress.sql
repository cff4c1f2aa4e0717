-- Units of one level against their level's target in one period, optionally only those under a parent.
SELECT tp.unit_key, tp.unit_code, tp.unit_name, tp.level, tp.era, tp.period, tp.indicator_code,
       tp.value, tp.target, tp.deadline, tp.plan_code, tp.status, tp.status_at_deadline, d.parent_key, d.parent_name
FROM target_progress tp
JOIN unit_directory d USING (unit_key)
WHERE tp.period = $period AND tp.level = $level
  AND ($parent IS NULL OR d.parent_key = $parent)
