-- The reviewer's queue: each submission waiting for review (not superseded), earliest due date
-- first, then province, district, commune level, then oldest upload; each value beside the
-- unit's previous period and the same period last year (counted values), flagged when it moved
-- by more than settings.review_swing_threshold against either. $period: one period, or NULL.
WITH waiting AS (
    SELECT rs.submission_id, rs.file_name, rs.submitted_by, rs.loaded_at
    FROM review_state rs
    WHERE rs.review_state = 'waiting' AND rs.status = 'accepted'
),
threshold AS (
    SELECT CAST(value AS DOUBLE) AS share FROM settings WHERE key = 'review_swing_threshold'
),
rows AS (
    SELECT w.*, rv.unit_key, rv.period, rv.metric_code, rv.value, rv.sheet, rv.cell,
           p.due_date, p.label_vi AS period_label,
           prev.period AS previous_period, last.period AS last_year_period
    FROM waiting w
    JOIN reported_values rv USING (submission_id)
    JOIN periods p ON p.period = rv.period
    LEFT JOIN periods prev ON prev.period_type = p.period_type AND prev.end_date = p.start_date - INTERVAL 1 DAY
    LEFT JOIN periods last ON last.period_type = p.period_type AND last.number = p.number AND last.year = p.year - 1
    WHERE $period IS NULL OR rv.period = $period
)
SELECT r.submission_id, r.file_name, r.submitted_by, r.loaded_at, r.due_date,
       r.unit_key, u.unit_code, u.unit_name, u.level, r.period, r.period_label,
       r.metric_code, m.name_vi AS metric_name, r.value, r.sheet, r.cell,
       r.previous_period, pv.value AS previous_value, r.last_year_period, lv.value AS last_year_value,
       (r.value - pv.value) / nullif(CAST(pv.value AS DOUBLE), 0) AS change_previous,
       (r.value - lv.value) / nullif(CAST(lv.value AS DOUBLE), 0) AS change_last_year,
       coalesce(abs((r.value - pv.value) / nullif(CAST(pv.value AS DOUBLE), 0)) > t.share, false)
           OR coalesce(abs((r.value - lv.value) / nullif(CAST(lv.value AS DOUBLE), 0)) > t.share, false) AS flagged
FROM rows r
CROSS JOIN threshold t
JOIN units u ON u.unit_key = r.unit_key
JOIN metrics m ON m.metric_code = r.metric_code
LEFT JOIN period_values pv ON pv.unit_key = r.unit_key AND pv.period = r.previous_period AND pv.metric_code = r.metric_code
LEFT JOIN period_values lv ON lv.unit_key = r.unit_key AND lv.period = r.last_year_period AND lv.metric_code = r.metric_code
LEFT JOIN current_values cv ON cv.unit_key = r.unit_key AND cv.period = r.period AND cv.metric_code = r.metric_code
-- a blank cell matters only where it would clear a value that counts now
WHERE r.value IS NOT NULL OR cv.value IS NOT NULL
ORDER BY r.due_date, CASE u.level WHEN 'province' THEN 0 WHEN 'district' THEN 1 ELSE 2 END, r.submission_id,
         u.unit_code, m.sort_order
