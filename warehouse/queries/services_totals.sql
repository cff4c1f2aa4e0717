-- Online services by level for the whole warehouse, per quarter.
SELECT period, metric_code, sum(value) AS value, count(DISTINCT unit_key) AS units_reporting
FROM metric_values
WHERE period_type = 'quarter'
  AND metric_code IN ('services_level2', 'services_level3', 'services_level4',
                      'services_full_online', 'services_partial_online')
GROUP BY period, metric_code
ORDER BY period, metric_code
