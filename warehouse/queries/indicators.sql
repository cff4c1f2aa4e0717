-- Indicators of the catalog, in catalog order.
SELECT indicator_code, name_vi, name_en, numerator, denominator, group_vi, group_en
FROM catalog_indicators
