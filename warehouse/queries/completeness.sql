-- Who reported, as reporting_completeness counts it: per quarter and level, and the totals, each
-- a sum of units (never a mean of rates). level 'total' sums the levels; period NULL sums the
-- quarters asked for. $periods: the quarters (NULL: every quarter). Read from
-- reporting_completeness_kept (warehouse/sql/kept_progress.sql), the counts per period and
-- level kept at every load. tests/test_kept_tables.py holds it equal to the view.
WITH asked AS (
    SELECT period, level, units_expected, units_reported, units_on_time FROM reporting_completeness_kept
    WHERE $periods IS NULL OR list_contains($periods, period)
), summed AS (
    SELECT period, coalesce(level, 'total') AS level, sum(units_expected) AS units_expected,
           sum(units_reported) AS units_reported, sum(units_on_time) AS units_on_time
    FROM asked
    GROUP BY GROUPING SETS ((period, level), (period), (level), ())
)
SELECT s.period, s.level, s.units_expected, s.units_reported, s.units_on_time,
       s.units_reported / nullif(s.units_expected, 0) AS rate,
       s.units_on_time / nullif(s.units_expected, 0) AS on_time_rate,
       c.due_date
FROM summed s
LEFT JOIN period_calendar c USING (period)
WHERE s.units_expected IS NOT NULL
ORDER BY c.end_date NULLS LAST,
         CASE s.level WHEN 'province' THEN 1 WHEN 'district' THEN 2 WHEN 'commune' THEN 3 ELSE 9 END
