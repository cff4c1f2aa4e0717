-- Online services per unit of one level in one period, each with its era (service_metrics).
-- A half-year or year is its last reported quarter: services are stocks, derived so in the
-- warehouse (period_metric_values).
SELECT u.unit_key, u.unit_name, u.level, v.metric_code, v.value, s.era
FROM period_metric_values v
JOIN units u USING (unit_key)
JOIN service_metrics s USING (metric_code)
WHERE v.period = $period AND u.level = $level
ORDER BY s.sort_order, u.unit_key
