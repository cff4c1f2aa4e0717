SELECT plan_code, doc_number, title_vi, title_en, issuer, issued_on, scope, indicator_code, level, target,
       deadline, baseline_value, baseline_period, source
FROM plan_targets
