-- Online services for the whole warehouse per quarter and metric, each with its era (service_metrics):
-- metric_values' sums, read from the per-period sums the loader keeps (period_metric_totals).
SELECT v.period, v.metric_code, s.era, v.value, v.units_reporting
FROM period_metric_totals v
JOIN periods p USING (period)
JOIN service_metrics s USING (metric_code)
WHERE p.period_type = 'quarter'
ORDER BY v.period, s.sort_order
