-- name: enqueue
INSERT INTO upload_jobs (file_path, file_name, file_sha256, submitted_by, unit_hint, period, submitted, province,
                         allowed_units, enqueued_at)
VALUES (:file_path, :file_name, :file_sha256, :submitted_by, :unit_hint, :period, :submitted, :province,
        :allowed_units, :now)
RETURNING job_id;

-- name: take
UPDATE upload_jobs SET state = 'loading', started_at = :now
WHERE job_id IN (SELECT job_id FROM upload_jobs WHERE state = 'queued' ORDER BY job_id LIMIT :limit)
RETURNING job_id, file_path, file_name, submitted_by, unit_hint, period, submitted, province, allowed_units;

-- name: finish
UPDATE upload_jobs SET state = 'done', finished_at = :now, status = :status, submission_id = :submission_id,
                       result_json = :result_json
WHERE job_id = :job_id;

-- name: mark_published
UPDATE upload_jobs SET published_at = :now
WHERE state = 'done' AND published_at IS NULL;

-- name: requeue_interrupted
UPDATE upload_jobs SET state = 'queued', started_at = NULL WHERE state = 'loading';

-- name: job
SELECT job_id, state, status, submission_id, result_json, published_at, submitted_by, file_name, file_sha256,
       enqueued_at
FROM upload_jobs WHERE job_id = :job_id;

-- name: jobs_by
SELECT job_id FROM upload_jobs WHERE submitted_by = :submitted_by ORDER BY job_id DESC LIMIT :limit;

-- name: file_still_needed
SELECT count(*) FROM upload_jobs WHERE file_sha256 = :file_sha256 AND coalesce(status, '') <> 'forbidden';

-- name: pending
SELECT count(*) FROM upload_jobs WHERE state <> 'done';

-- name: recent_jobs
SELECT job_id FROM upload_jobs ORDER BY job_id DESC LIMIT :limit;

-- name: unpublished_job
-- The loaded job that made a submission the read snapshot does not hold yet (NULL once published).
SELECT job_id FROM upload_jobs
WHERE submission_id = :submission_id AND state = 'done' AND published_at IS NULL
ORDER BY job_id DESC LIMIT 1;
