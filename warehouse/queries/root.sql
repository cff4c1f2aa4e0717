-- The province itself: the root unit valid last.
SELECT unit_key, unit_name, era FROM unit_directory WHERE is_root ORDER BY valid_to DESC, valid_from DESC LIMIT 1
