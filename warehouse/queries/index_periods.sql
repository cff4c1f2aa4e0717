-- The periods an index has scores for, with the version in force and the day the scores stood at.
SELECT period, any_value(version) AS version, max(as_of) AS as_of, count(*) AS units_scored
FROM index_scores
WHERE index_code = $index
GROUP BY period
