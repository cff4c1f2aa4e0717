-- The review setting and how many loaded submissions wait for review, in all and for $period
-- (NULL: every period): the reporting page's "n chờ duyệt" while review is required.
SELECT coalesce((SELECT value FROM settings WHERE key = 'review'), 'off') AS review,
       count(*) FILTER (WHERE review_state = 'waiting' AND status = 'accepted') AS waiting,
       count(*) FILTER (WHERE review_state = 'waiting' AND status = 'accepted'
                        AND ($period IS NULL OR list_contains(string_split(periods, ','), $period))) AS waiting_in_period
FROM review_state
