-- Indicators of the whole area of one unit (the province for the root), per quarter.
SELECT period, indicator_code, numerator, denominator, value, units_reporting
FROM indicator_values
WHERE unit_key = $unit AND scope = 'area' AND period_type = 'quarter'
ORDER BY period
