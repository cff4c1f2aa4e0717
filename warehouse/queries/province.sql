-- The province the warehouse is about: its current root unit (the latest era's root).
SELECT unit_key, unit_name, short_name, era
FROM unit_directory
WHERE is_root
ORDER BY valid_to DESC, era = 'new' DESC, unit_key
LIMIT 1;
