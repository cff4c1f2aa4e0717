-- The blank cells of a group's accepted files (data frame `blank_cells`) that clear a value
-- loaded before them: the latest earlier accepted value of the same unit, period and metric
-- is not NULL. Rows of the group itself have no submissions row yet.
WITH earlier AS (
    SELECT b.submission_id, b.unit_key, b.period, b.metric_code, b.sheet, b.cell, rv.value
    FROM blank_cells b
    JOIN reported_values rv
      ON rv.unit_key = b.unit_key AND rv.period = b.period AND rv.metric_code = b.metric_code
     AND rv.submission_id < b.submission_id
    LEFT JOIN submissions s ON s.submission_id = rv.submission_id
    WHERE s.status IN ('accepted', 'superseded') OR s.submission_id IS NULL
    QUALIFY row_number() OVER (
        PARTITION BY b.submission_id, b.unit_key, b.period, b.metric_code ORDER BY rv.submission_id DESC) = 1
)
SELECT e.submission_id, u.unit_name, e.period, e.metric_code, e.sheet, e.cell
FROM earlier e JOIN units u ON u.unit_key = e.unit_key
WHERE e.value IS NOT NULL
ORDER BY e.submission_id, e.sheet, e.cell
