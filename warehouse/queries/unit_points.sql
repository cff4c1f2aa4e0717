-- Where the units of one level active in a period lie (their centres), for the map.
SELECT m.unit_key, m.unit_name AS point_name, m.lat, m.lon, m.area_km2
FROM unit_map m
JOIN unit_directory d USING (unit_key)
JOIN period_calendar p ON p.period = $period
WHERE m.level = $level AND d.valid_from <= p.end_date AND d.valid_to >= p.start_date
