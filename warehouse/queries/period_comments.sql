-- The comments on a period's figures, per indicator and unit (province, district, commune
-- level), oldest first: the deck's speaker notes and the XLSX's comments sheet.
SELECT c.indicator_code, c.unit_key, c.unit_code, c.unit_name, c.level, c.period, c.text, c.author, c.written_at
FROM value_comment_log c
JOIN indicators i USING (indicator_code)
WHERE c.period = $period
ORDER BY i.sort_order, CASE c.level WHEN 'province' THEN 0 WHEN 'district' THEN 1 ELSE 2 END, c.unit_code, c.written_at
