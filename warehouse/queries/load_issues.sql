-- Issues of the most recent loads, newest first.
SELECT submission_id, file_name, loaded_at, status, severity, sheet, cell, code, message_vi, message_en
FROM load_issues
ORDER BY loaded_at DESC, submission_id DESC, severity
LIMIT $limit
