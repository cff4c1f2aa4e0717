-- Online services per unit of one level in one period, each with its era (service_metrics).
-- A half-year or year is its last reported quarter: services are stocks, derived so in the warehouse.
SELECT v.unit_key, v.unit_name, v.level, v.metric_code, v.value, s.era
FROM metric_values v
JOIN service_metrics s USING (metric_code)
WHERE v.period = $period AND v.level = $level
ORDER BY s.sort_order, v.unit_key
