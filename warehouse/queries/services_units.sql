-- Online services per unit of one level in one period, each with its era (service_metrics).
-- A half-year or year is its last reported quarter: services are stocks, derived so in the
-- warehouse (period_metric_values). Only the $most units with the most services (all when
-- NULL), each row with how many units the level has (units_total): a country's communes are
-- tens of thousands of rows, and the page draws the top ones.
WITH unit_rows AS (
    SELECT u.unit_key, u.unit_name, u.level, v.metric_code, v.value, s.era, s.sort_order
    FROM period_metric_values v
    JOIN units u USING (unit_key)
    JOIN service_metrics s USING (metric_code)
    WHERE v.period = $period AND u.level = $level
), ranked AS (
    SELECT unit_key, count(*) OVER () AS units_total,
           row_number() OVER (ORDER BY sum(value) DESC NULLS LAST, unit_key) AS place
    FROM unit_rows
    GROUP BY unit_key
)
SELECT r.unit_key, r.unit_name, r.level, r.metric_code, r.value, r.era, k.units_total
FROM unit_rows r JOIN ranked k USING (unit_key)
WHERE $most IS NULL OR k.place <= $most
ORDER BY r.sort_order, r.unit_key
