-- The comments on one unit's figures ($period: one period, or NULL for every period), oldest
-- first per indicator: the unit page and GET /api/v1/comments.
SELECT c.indicator_code, c.unit_key, c.unit_code, c.unit_name, c.period, c.text, c.author, c.author_role, c.written_at
FROM value_comment_log c
JOIN indicators i USING (indicator_code)
WHERE c.unit_key = $unit_key AND ($period IS NULL OR c.period = $period)
ORDER BY c.period DESC, i.sort_order, c.written_at
