-- The criteria of one group of an index version: maximum, scoring rule, evidence, verifier, text.
SELECT criterion_code, name_vi, name_en, max_score, rule_kind, indicator_code, evidence, verifier, source
FROM catalog_index_criteria
WHERE index_code = $index AND version = $version AND group_code = $group
