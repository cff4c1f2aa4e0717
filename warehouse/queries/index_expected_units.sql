-- How many units of a level an index expects a score for: those active on the period's last day.
SELECT count(*) AS units_expected
FROM unit_directory
WHERE level = $level AND NOT is_root AND valid_from <= CAST($day AS DATE) AND valid_to >= CAST($day AS DATE)
