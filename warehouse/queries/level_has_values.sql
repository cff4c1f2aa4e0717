-- Whether any unit of a level (only those under $parent, if given) has a row in a period: /don-vi
-- tells "no data for this level and period" apart from "none on this indicator" without reading
-- every indicator of every unit (a level's ~100,000 rows nationally). The same units as
-- target_progress.sql; tests/test_kept_tables.py holds the two in step.
SELECT EXISTS (
    SELECT 1
    FROM unit_indicator_values p
    JOIN units u USING (unit_key)
    WHERE p.period = $period AND u.level = $level AND NOT u.is_root
      AND ($parent IS NULL OR u.parent_key = $parent)
) AS has_values
