-- The (unit, period) pairs a submission reported, with its status: what a review decision is about.
SELECT r.unit_key, r.period, s.status
FROM unit_reports r JOIN submissions s USING (submission_id)
WHERE r.submission_id = $submission_id
ORDER BY r.unit_key, r.period
