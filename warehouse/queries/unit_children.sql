-- The units directly under a unit, with their values in one period (target_progress's rows,
-- with the unit and period pushed into every part). tests/test_kept_tables.py holds it equal to the view.
WITH children AS (
    SELECT unit_key, unit_name, level, is_root FROM unit_directory WHERE parent_key = $unit
), pr AS (
    SELECT period, start_date FROM periods WHERE period = $period
), v AS (
    SELECT p.unit_key, p.indicator_code, c.level,
           CASE WHEN p.denominator > 0 THEN p.numerator / p.denominator END AS value
    FROM unit_indicator_values p JOIN children c USING (unit_key)
    WHERE p.period = $period AND NOT c.is_root
), t AS (
    SELECT level, indicator_code, target, deadline FROM targets_in_force_kept WHERE period = $period
)
SELECT d.unit_key, d.unit_name, d.level, v.indicator_code, v.value, t.target,
       CASE WHEN v.indicator_code IS NOT NULL THEN target_status_on(v.value, t.target, t.deadline, pr.start_date) END AS status
FROM children d
LEFT JOIN v ON v.unit_key = d.unit_key
LEFT JOIN pr ON true
LEFT JOIN t ON t.level = v.level AND t.indicator_code = v.indicator_code
ORDER BY d.unit_name COLLATE vi, d.unit_key, v.indicator_code  -- one order every time: a unit's indicators, namesakes by key
