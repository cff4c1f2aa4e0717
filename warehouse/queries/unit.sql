SELECT unit_key, unit_code, unit_name, short_name, unit_type, level, is_root, parent_key, parent_name,
       province_key, era, valid_from, valid_to
FROM unit_directory
WHERE unit_key = $unit
