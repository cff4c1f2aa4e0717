-- Units behind their target in the period: how many indicators they miss, and their widest gap.
WITH behind AS (
    SELECT unit_key, unit_code, unit_name, level, indicator_code, value, target,
           target - value AS gap
    FROM target_progress
    WHERE period = $period AND status = 'behind'
), ranked AS (
    SELECT *, row_number() OVER (PARTITION BY unit_key ORDER BY gap DESC, indicator_code) AS rn,
           count(*) OVER (PARTITION BY unit_key) AS indicators_behind
    FROM behind
)
SELECT r.unit_key, r.unit_code, r.unit_name, r.level, ud.parent_name, r.indicators_behind,
       r.indicator_code AS worst_indicator, r.value AS worst_value, r.target AS worst_target,
       r.gap AS worst_gap
FROM ranked AS r
LEFT JOIN unit_directory AS ud USING (unit_key)
WHERE r.rn = 1
ORDER BY r.indicators_behind DESC, r.gap DESC, r.unit_name COLLATE vi, r.unit_key;
