-- Each unit against its level's target, over the periods asked for.
SELECT tp.indicator_code, tp.unit_key, tp.unit_code, tp.unit_name, tp.level, tp.era,
       tp.period, tp.value, tp.target, tp.status, ud.parent_name
FROM target_progress AS tp
LEFT JOIN unit_directory AS ud USING (unit_key)
WHERE list_contains($periods, tp.period) AND list_contains($indicators, tp.indicator_code)
ORDER BY tp.indicator_code,
         CASE tp.level WHEN 'province' THEN 1 WHEN 'district' THEN 2 ELSE 3 END,
         ud.parent_name NULLS FIRST, tp.unit_name, tp.unit_key, tp.period;
