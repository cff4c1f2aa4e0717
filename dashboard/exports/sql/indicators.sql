-- Indicators of the catalog, in catalog order.
SELECT indicator_code, name_vi, name_en, group_vi, group_en
FROM catalog_indicators;
