-- The problems the loader found in one submission: errors first.
SELECT severity, sheet, cell, code, message_vi, message_en
FROM load_issues
WHERE submission_id = $submission
ORDER BY severity, sheet NULLS FIRST, cell
