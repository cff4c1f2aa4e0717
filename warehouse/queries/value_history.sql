-- Every version of one unit × metric × period value, oldest first: the value (NULL: a blank
-- that cleared it), the submission and file, who sent it and when, its status, who reviewed it
-- (latest decision), and whether it is the value that counts now.
SELECT rv.submission_id, s.file_name, s.submitted_by, s.loaded_at, s.submitted_at, s.status,
       rv.value, rv.sheet, rv.cell,
       rs.review_state, rs.decision, rs.comment AS review_comment, rs.reviewed_by, rs.reviewed_at,
       coalesce(c.submission_id = rv.submission_id, false) AS current
FROM reported_values rv
JOIN submissions s USING (submission_id)
LEFT JOIN review_state rs USING (submission_id)
LEFT JOIN current_values c ON c.unit_key = rv.unit_key AND c.period = rv.period AND c.metric_code = rv.metric_code
WHERE rv.unit_key = $unit_key AND rv.metric_code = $metric_code AND rv.period = $period
ORDER BY rv.submission_id
