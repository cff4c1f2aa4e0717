-- Every unit of a level on an index in a period: score, grade, rank and its movement.
SELECT unit_key, unit_code, unit_name, level, version, score, max_score, grade, rank_in_level,
       rank_change, source, as_of
FROM index_scores
WHERE index_code = $index AND period = $period AND level = $level
ORDER BY rank_in_level, unit_name COLLATE vi
