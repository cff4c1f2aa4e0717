-- Each group of an index in a period against its maximum: one unit's score, or the level's mean
-- when no unit is asked for (units: how many scores the mean is over).
SELECT group_code, any_value(group_name_vi) AS group_name_vi, any_value(group_name_en) AS group_name_en,
       min(group_order) AS group_order, max(max_score) AS max_score, avg(score) AS score,
       count(*) AS units, any_value(source) AS source
FROM index_group_scores
WHERE index_code = $index AND period = $period AND level = $level AND ($unit IS NULL OR unit_key = $unit)
GROUP BY group_code
ORDER BY group_order
