-- The period's dates from the calendar.
SELECT period, period_type, start_date, end_date, due_date, label_vi, label_en
FROM period_calendar
WHERE period = $period;
