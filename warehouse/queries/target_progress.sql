-- Units of one level against their level's target in one period, optionally only those under a parent.
-- The target_progress view's rows for ($period, $level), with the period and level pushed into
-- every part: the view, read whole, looks up the deadline periods of every unit and period
-- (a million rows nationally) before the filter applies. tests/test_kept_tables.py holds the two equal.
-- $indicator (NULL: every indicator) narrows it further; $laggards_of (an indicator; NULL: off)
-- keeps that indicator's rows for every unit and every indicator's rows only for the $laggards
-- units lowest on it (no value first, then by key): /don-vi ranks every unit on one indicator
-- and draws all indicators for the worst it shows, in one read (each read costs ~10 ms to plan).
WITH pr AS (
    SELECT period, period_type, start_date FROM periods WHERE period = $period
), t AS (
    SELECT indicator_code, target, deadline, plan_code FROM targets_in_force_kept
    WHERE period = $period AND level = $level AND ($indicator IS NULL OR indicator_code = $indicator)
), expired AS (
    -- the deadline's period of each target that expired before the period began
    SELECT t.indicator_code, dp.period AS deadline_period
    FROM t, pr, periods dp
    WHERE t.deadline < pr.start_date AND dp.period_type = pr.period_type AND t.deadline BETWEEN dp.start_date AND dp.end_date
), v AS (
    SELECT u.unit_key, u.unit_code, u.unit_name, u.level, u.era, p.period, p.indicator_code,
           CASE WHEN p.denominator > 0 THEN p.numerator / p.denominator END AS value
    FROM unit_indicator_values p
    JOIN units u USING (unit_key)
    WHERE p.period = $period AND u.level = $level AND NOT u.is_root
      AND ($parent IS NULL OR u.parent_key = $parent)  -- the parent too, before the joins below
      AND ($indicator IS NULL OR p.indicator_code = $indicator)
), shown AS (
    SELECT unit_key FROM v WHERE indicator_code = $laggards_of ORDER BY value NULLS FIRST, unit_key LIMIT $laggards
), at_deadline AS (
    SELECT d.unit_key, d.indicator_code, d.numerator / d.denominator AS value
    FROM unit_indicator_values d JOIN expired x ON x.deadline_period = d.period AND x.indicator_code = d.indicator_code
    WHERE d.denominator > 0
)
SELECT v.unit_key, v.unit_code, v.unit_name, v.level, v.era, v.period, v.indicator_code,
       v.value, t.target, t.deadline, t.plan_code,
       target_status_on(v.value, t.target, t.deadline, pr.start_date) AS status,
       CASE WHEN t.deadline < pr.start_date THEN target_status(a.value, t.target) END AS status_at_deadline,
       d.parent_key, d.parent_name
FROM v
CROSS JOIN pr
LEFT JOIN t USING (indicator_code)
LEFT JOIN at_deadline a ON a.unit_key = v.unit_key AND a.indicator_code = v.indicator_code
JOIN unit_directory d ON d.unit_key = v.unit_key
WHERE ($parent IS NULL OR d.parent_key = $parent)
  AND ($laggards_of IS NULL OR v.indicator_code = $laggards_of OR v.unit_key IN (SELECT unit_key FROM shown))
