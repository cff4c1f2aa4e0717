-- Every version of an index (catalog_indices), oldest first.
SELECT index_code, version, name_vi, name_en, cadence, continuous, valid_from, valid_to, max_score, source
FROM catalog_indices
WHERE index_code = $index
ORDER BY valid_from
