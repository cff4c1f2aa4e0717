-- Who reported, as reporting_completeness counts it: per quarter and level, and the totals, each
-- a sum of units (never a mean of rates). level 'total' sums the levels; period NULL sums the
-- quarters asked for. $periods: the quarters (NULL: every quarter). Read from the counts the
-- loader keeps (reporting_counts) beside the units expected, over the view's periods (every
-- quarter in the span of reports, and every period reported directly), instead of pairing
-- every unit with every period. tests/test_kept_tables.py holds it equal to the view.
WITH reported_periods AS (
    SELECT DISTINCT period FROM unit_reports
), report_periods AS (
    SELECT p.period FROM periods p
    WHERE p.period_type = 'quarter'
      AND p.start_date >= (SELECT min(rp.start_date) FROM periods rp JOIN reported_periods USING (period))
      AND p.end_date <= (SELECT max(rp.end_date) FROM periods rp JOIN reported_periods USING (period))
    UNION
    SELECT period FROM reported_periods
), asked AS (
    SELECT e.period, e.level, e.units_expected,
           coalesce(r.units_reported, 0) AS units_reported, coalesce(r.units_on_time, 0) AS units_on_time
    FROM level_units_expected e
    JOIN report_periods USING (period)
    LEFT JOIN reporting_counts r USING (period, level)
    WHERE $periods IS NULL OR list_contains($periods, e.period)
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
