-- The audit trail, newest first (ops/audit.py reverses it), each filter applied when given.
SELECT seq, at, actor, role, address, action, unit_key, period, indicator_code, metric_code, submission_id, detail
FROM audit_events
WHERE (:unit_key IS NULL OR unit_key = :unit_key)
  AND (:period IS NULL OR period = :period)
  AND (:action IS NULL OR action = :action)
  AND (:actor IS NULL OR actor = :actor)
ORDER BY seq DESC
LIMIT :limit
