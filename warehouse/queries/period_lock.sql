-- Whether a period is locked now (its own lock, or its half-year's or year's), and since which
-- day (the server's local date): the exports print 'Số liệu đã chốt ngày dd/mm/yyyy'.
SELECT l.period, CAST(l.changed_at AS DATE) AS locked_on, l.changed_by AS locked_by
FROM period_lock_state l
WHERE l.locked AND (l.period = $period OR l.period IN (SELECT pp.period FROM period_parts pp WHERE pp.quarter = $period))
ORDER BY l.changed_at
LIMIT 1
