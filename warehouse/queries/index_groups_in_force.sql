-- The groups (DTI: main indices) of the index version in force on a day, in the decision's order.
SELECT v.version, g.group_code, g.name_vi, g.name_en, g.max_score, g.sort_order
FROM index_groups g JOIN index_versions v USING (index_code, version)
WHERE g.index_code = $index AND CAST($day AS DATE) BETWEEN v.valid_from AND v.valid_to
ORDER BY g.sort_order
