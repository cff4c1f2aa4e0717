-- The review state of the submissions of a list of units (a reporter's own; NULL: every unit),
-- newest first: what the reporter sees beside its uploads, a send-back with its comment.
SELECT DISTINCT rs.submission_id, rs.file_name, rs.submitted_by, rs.loaded_at, rs.status, rs.periods,
       rs.review_state, rs.decision, rs.comment, rs.reviewed_by, rs.reviewed_at
FROM review_state rs
JOIN unit_reports r USING (submission_id)
WHERE $unit_keys IS NULL OR list_contains($unit_keys, r.unit_key)
ORDER BY rs.submission_id DESC
