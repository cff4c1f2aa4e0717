SELECT metric_code, name_vi, name_en, unit_vi, unit_en, kind, valid_from, valid_to, group_vi
FROM catalog_metrics
