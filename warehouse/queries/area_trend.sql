-- Indicators of the whole area of one unit (the province for the root), per quarter: the
-- 'area' rows of indicator_values, read from the area sums the loader keeps.
SELECT v.period, v.indicator_code, v.numerator, v.denominator,
       CASE WHEN v.denominator > 0 THEN v.numerator / v.denominator END AS value, v.units_reporting
FROM area_indicator_values v
JOIN periods p USING (period)
WHERE v.unit_key = $unit AND p.period_type = 'quarter'
ORDER BY v.period
