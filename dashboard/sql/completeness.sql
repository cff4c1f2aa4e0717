-- Who reported, per level and quarter, with the quarter's labels and due date.
SELECT r.period, r.level, r.units_expected, r.units_reported, r.units_on_time, r.rate, r.on_time_rate,
       c.due_date
FROM reporting_completeness r
JOIN period_calendar c USING (period)
ORDER BY c.end_date, r.level
