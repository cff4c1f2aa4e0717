-- Periods inside the span of reported quarters (quarters, half-years, years), newest first.
WITH reported AS (
    -- reported_periods' periods, read from the per-period sums the loader keeps
    SELECT DISTINCT period FROM period_metric_totals
),
span AS (
    SELECT min(c.start_date) AS first_day, max(c.end_date) AS last_day
    FROM period_calendar c JOIN reported USING (period)
)
SELECT c.period, c.period_type, c.start_date, c.end_date, c.label_vi, c.label_en
FROM period_calendar c, span
WHERE c.start_date >= span.first_day AND c.end_date <= span.last_day
ORDER BY c.end_date DESC, CASE c.period_type WHEN 'quarter' THEN 0 WHEN 'half' THEN 1 ELSE 2 END
