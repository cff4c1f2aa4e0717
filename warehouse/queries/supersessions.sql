-- Which submission replaced which: an accepted upload for a unit and period supersedes the earlier one
SELECT submission_id, superseded_by
FROM submission_log
WHERE superseded_by IS NOT NULL
