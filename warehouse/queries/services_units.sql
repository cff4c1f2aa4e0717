-- Online services by level, per unit of one level, as reported for one quarter.
SELECT unit_key, unit_name, level, metric_code, value
FROM metric_values
WHERE period = $period AND level = $level
  AND metric_code IN ('services_level2', 'services_level3', 'services_level4',
                      'services_full_online', 'services_partial_online')
