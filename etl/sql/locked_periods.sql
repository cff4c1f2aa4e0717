-- The periods a file may not report for now: each period whose latest lock row is a lock, and
-- the quarters of a locked half-year or year; with the day it was locked (the server's local date) and
-- who can unlock it.
WITH latest AS (
    SELECT period, arg_max(action, seq) AS action, arg_max(changed_at, seq) AS changed_at, arg_max(contacts, seq) AS contacts
    FROM period_locks GROUP BY period
),
locked AS (SELECT period, changed_at, contacts FROM latest WHERE action = 'lock')
SELECT l.period AS period, l.period AS locked_period, p.label_vi, p.label_en, CAST(l.changed_at AS DATE) AS locked_on, l.contacts
FROM locked l JOIN periods p USING (period)
UNION ALL
SELECT pp.quarter, l.period, p.label_vi, p.label_en, CAST(l.changed_at AS DATE), l.contacts
FROM locked l JOIN period_parts pp ON pp.period = l.period JOIN periods p ON p.period = l.period
