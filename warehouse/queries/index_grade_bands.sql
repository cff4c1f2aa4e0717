-- The grade bands of an index version, best first; min_score NULL: a threshold the province has
-- not filled in yet (every score then stays ungraded).
SELECT grade, grade_en, min_score, sort_order
FROM index_grade_bands
WHERE index_code = $index AND version = $version
ORDER BY sort_order
