-- Where the units of one level active in a period lie (their centres), for the map.
-- The tables, not the unit_map and unit_directory views: their joins (each unit's parent, the
-- units twice) cost half of this read and give the map nothing.
SELECT u.unit_key, u.unit_name AS point_name, p.lat, p.lon, p.area_km2
FROM unit_points p
JOIN units u USING (unit_key)
JOIN periods c ON c.period = $period
WHERE u.level = $level AND u.valid_from <= c.end_date AND u.valid_to >= c.start_date
