-- The grade bands of an index version, best first; min_score NULL: a threshold the province has
-- not filled in yet (every score then stays ungraded). province_label says who filled a
-- threshold in ('do tỉnh điền: …'); NULL for a threshold the decision's text gives.
SELECT b.grade, b.grade_en, b.min_score, b.sort_order, s.label AS province_label,
       s.set_by AS province_set_by, s.file_name AS province_file, s.entry AS province_entry
FROM index_grade_bands b
LEFT JOIN index_province_settings s
  ON s.index_code = b.index_code AND s.version = b.version AND s.target = 'grade' AND s.code = b.grade
WHERE b.index_code = $index AND b.version = $version
ORDER BY b.sort_order
