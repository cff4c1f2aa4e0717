-- An index over its periods for a level: one unit's score and rank, or the level's mean.
SELECT period, avg(score) AS score, max(max_score) AS max_score, count(*) AS units,
       min(rank_in_level) AS rank_in_level, max(as_of) AS as_of
FROM index_scores
WHERE index_code = $index AND level = $level AND ($unit IS NULL OR unit_key = $unit)
GROUP BY period
