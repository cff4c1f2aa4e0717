-- Submissions as the API gives them, newest first, with the units they reported. `visible`: all
-- when $visible_units is NULL (roles that see every unit), else those touching one of
-- $visible_units or sent by $submitted_by. One submission ($submission) is given whether visible
-- or not, so the caller can tell 403 from 404; otherwise only visible ones, optionally of the
-- units $units (unit_keys) and the period $period. Review: `review_state` (waiting | accepted |
-- sent_back | not_required; NULL for a file never loaded) with the latest decision's comment.
WITH touched AS (
    SELECT us.submission_id,
           list(DISTINCT us.unit_key ORDER BY us.unit_key) AS unit_keys,
           list(DISTINCT {'unit_key': us.unit_key, 'unit_code': d.unit_code, 'unit_name': d.unit_name}
                ORDER BY {'unit_key': us.unit_key, 'unit_code': d.unit_code, 'unit_name': d.unit_name}) AS units
    FROM unit_submissions us LEFT JOIN unit_directory d USING (unit_key)
    GROUP BY us.submission_id
), listed AS (
    SELECT s.submission_id, s.file_name, s.layout, s.submitted_by, s.submitted_at, s.loaded_at, s.status,
           s.superseded_by, s.periods, coalesce(t.units, []) AS units, s.units_count, s.values_count,
           s.errors_count, s.warnings_count, rs.review_state, rs.comment AS review_comment, rs.reviewed_by,
           rs.reviewed_at, coalesce(t.unit_keys, []) AS unit_keys,
           ($visible_units IS NULL OR s.submitted_by = $submitted_by
            OR len(list_intersect(coalesce(t.unit_keys, []), $visible_units)) > 0) AS visible
    FROM submission_log s LEFT JOIN touched t USING (submission_id) LEFT JOIN review_state rs USING (submission_id)
)
SELECT * EXCLUDE (unit_keys)
FROM listed
WHERE CASE WHEN $submission IS NULL THEN visible ELSE submission_id = $submission END
  AND ($units IS NULL OR len(list_intersect(unit_keys, $units)) > 0)
  AND ($period IS NULL OR list_contains(string_split(periods, ','), $period))
ORDER BY loaded_at DESC, submission_id DESC
LIMIT $limit
