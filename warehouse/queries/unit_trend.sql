-- One unit's indicators per quarter: its own report (scope unit, with its target) and its area.
SELECT v.period, v.indicator_code, v.scope, v.value, v.units_reporting, tp.target, tp.status
FROM indicator_values v
LEFT JOIN target_progress tp
  ON v.scope = 'unit' AND tp.unit_key = v.unit_key AND tp.period = v.period
 AND tp.indicator_code = v.indicator_code
WHERE v.unit_key = $unit AND v.period_type = 'quarter'
ORDER BY v.period
