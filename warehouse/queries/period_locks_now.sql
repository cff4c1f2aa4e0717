-- The periods locked now, latest lock first: the review page's list and the locked banners.
SELECT period, changed_at, changed_by, reason
FROM period_lock_state
WHERE locked
ORDER BY changed_at DESC
