-- Online services for the whole warehouse per quarter and metric, each with its era (service_metrics).
SELECT v.period, v.metric_code, s.era, sum(v.value) AS value, count(DISTINCT v.unit_key) AS units_reporting
FROM metric_values v
JOIN service_metrics s USING (metric_code)
WHERE v.period_type = 'quarter'
GROUP BY v.period, v.metric_code, s.era, s.sort_order
ORDER BY v.period, s.sort_order
