-- Plans that set at least one target, with their document numbers.
SELECT plan_code, any_value(doc_number) AS doc_number, any_value(title_vi) AS title_vi,
       any_value(title_en) AS title_en, min(issued_on) AS issued_on
FROM plan_targets
GROUP BY plan_code
ORDER BY issued_on, plan_code
