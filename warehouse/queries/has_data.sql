-- Whether the warehouse has any indicator data for the period (reported or derived).
SELECT count(*) > 0 AS has_data FROM data_periods WHERE period = $period;
