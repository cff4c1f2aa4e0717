-- Units expected but not reported in the quarters $periods (one level, or all when $level is NULL):
-- the missing_reports view's rows with the periods pushed into every part (the view pairs every
-- unit with every period first). tests/test_kept_tables.py holds it equal to the view.
WITH asked AS (
    -- the view's periods (every quarter in the span of reports, and every period reported
    -- directly), as reporting_completeness_kept holds them: not a count of every report
    SELECT p.period, p.period_type, p.start_date, p.end_date, p.due_date FROM periods p
    WHERE list_contains($periods, p.period)
      AND p.period IN (SELECT period FROM reporting_completeness_kept)
), reported AS (
    SELECT DISTINCT r.unit_key, r.period
    FROM unit_reports r JOIN submissions s USING (submission_id)
    WHERE s.status IN ('accepted', 'superseded') AND list_contains($periods, r.period)
)
SELECT p.period, u.level, u.unit_key, u.unit_code, u.unit_name, parent.unit_name AS parent_name, p.due_date
FROM asked p
JOIN units u ON u.valid_from <= p.end_date AND u.valid_to >= p.start_date AND NOT u.is_root
LEFT JOIN units parent ON parent.unit_key = u.parent_key
WHERE ($level IS NULL OR u.level = $level)
  AND NOT EXISTS (SELECT 1 FROM reported r WHERE r.unit_key = u.unit_key AND r.period = p.period)
ORDER BY p.period, CASE u.level WHEN 'province' THEN 1 WHEN 'district' THEN 2 ELSE 3 END,
         parent_name COLLATE vi NULLS FIRST, u.unit_name COLLATE vi, u.unit_key
