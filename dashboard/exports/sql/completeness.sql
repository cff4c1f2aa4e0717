-- Who reported, per level, over the quarters of the period; the total row sums the levels.
SELECT level, units_expected, units_reported, units_on_time, rate, on_time_rate
FROM (
    SELECT level, sum(units_expected) AS units_expected, sum(units_reported) AS units_reported,
           sum(units_on_time) AS units_on_time,
           sum(units_reported) / nullif(sum(units_expected), 0) AS rate,
           sum(units_on_time) / nullif(sum(units_expected), 0) AS on_time_rate,
           CASE level WHEN 'province' THEN 1 WHEN 'district' THEN 2 ELSE 3 END AS sort_key
    FROM reporting_completeness
    WHERE list_contains($periods, period)
    GROUP BY level
    UNION ALL
    SELECT 'total', sum(units_expected), sum(units_reported), sum(units_on_time),
           sum(units_reported) / nullif(sum(units_expected), 0),
           sum(units_on_time) / nullif(sum(units_expected), 0), 9
    FROM reporting_completeness
    WHERE list_contains($periods, period)
    HAVING count(*) > 0
)
ORDER BY sort_key;
