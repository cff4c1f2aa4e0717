-- Periods that have at least one indicator value, newest first, with their labels.
SELECT c.period, c.period_type, c.start_date, c.end_date, c.label_vi, c.label_en
FROM period_calendar c
WHERE c.period IN (SELECT DISTINCT period FROM level_progress WHERE value IS NOT NULL)
ORDER BY c.end_date DESC, CASE c.period_type WHEN 'quarter' THEN 0 WHEN 'half' THEN 1 ELSE 2 END
