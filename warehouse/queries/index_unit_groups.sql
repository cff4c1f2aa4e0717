-- Every unit's group scores on an index in a period (the workbook's group sheet).
SELECT unit_code, unit_name, level, group_code, group_name_vi, group_name_en, group_order, score, max_score, source
FROM index_group_scores
WHERE index_code = $index AND period = $period
ORDER BY level, unit_code, group_order
