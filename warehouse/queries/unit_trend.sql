-- One unit's indicators per quarter: its own report (scope unit, with its target, as
-- target_progress gives them) and its area (the area sums the loader keeps), with the unit
-- pushed into every part. tests/test_kept_tables.py holds it equal to the views.
WITH u AS (
    SELECT unit_key, level, is_root FROM units WHERE unit_key = $unit
), both_scopes AS (
    SELECT v.period, v.indicator_code, 'unit' AS scope, v.numerator, v.denominator, 1 AS units_reporting
    -- the unit's quarters, stored by unit: one or two row groups, not one per quarter
    FROM unit_quarter_values v WHERE v.unit_key = $unit
    UNION ALL
    SELECT a.period, a.indicator_code, 'area' AS scope, a.numerator, a.denominator, a.units_reporting
    FROM area_indicator_values a WHERE a.unit_key = $unit
), t AS (
    SELECT x.period, x.indicator_code, x.target, x.deadline
    FROM targets_in_force_kept x JOIN u ON x.level = u.level AND NOT u.is_root
)
SELECT b.period, b.indicator_code, b.scope,
       CASE WHEN b.denominator > 0 THEN b.numerator / b.denominator END AS value,
       b.units_reporting, t.target,
       CASE WHEN b.scope = 'unit' AND (SELECT NOT is_root FROM u)
            THEN target_status_on(CASE WHEN b.denominator > 0 THEN b.numerator / b.denominator END,
                                  t.target, t.deadline, p.start_date) END AS status
FROM both_scopes b
JOIN periods p USING (period)
LEFT JOIN t ON b.scope = 'unit' AND t.period = b.period AND t.indicator_code = b.indicator_code
WHERE p.period_type = 'quarter'
ORDER BY b.period
