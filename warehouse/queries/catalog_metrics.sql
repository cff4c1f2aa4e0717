-- The catalog's metrics; valid_since / valid_until only where a metric's era starts later or
-- ends earlier than the catalog's (levels 2/3/4 until 14/8/2022; toàn trình from 15/8/2022):
-- the open bounds of the catalog itself are no dates to show.
SELECT metric_code, name_vi, name_en, unit_vi, unit_en, kind, valid_from, valid_to, group_vi,
       CASE WHEN valid_from > (SELECT min(valid_from) FROM metrics) THEN valid_from END AS valid_since,
       CASE WHEN valid_to < (SELECT max(valid_to) FROM metrics) THEN valid_to END AS valid_until
FROM catalog_metrics
