-- The units a reference names: its unit_key, or every unit with that GSO/agency code (one per era),
-- the units in force first. Used to check the units given to a reporter account.
SELECT unit_key, unit_code, unit_name, level, era, valid_from, valid_to,
       unit_key = $unit AS exact_key,
       coalesce(valid_to >= current_date, true) AS in_force
FROM unit_directory
WHERE unit_key = $unit OR unit_code = $unit
ORDER BY exact_key DESC, in_force DESC, valid_from DESC, unit_key
