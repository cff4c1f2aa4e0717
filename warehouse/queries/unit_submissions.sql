SELECT period, submission_id, file_name, submitted_at, status
FROM unit_submissions
WHERE unit_key = $unit
ORDER BY submitted_at DESC, submission_id DESC
