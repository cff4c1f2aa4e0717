-- The progress the pages open on, kept whole as tables: each is the view of the same name read
-- in full, rebuilt at the end of every load group's refresh (in its transaction), when a
-- warehouse is created and when a writer opens an older one. The views compute every period
-- and plan whatever the filter (~35-90 ms nationally each); the pages' first look at a new
-- filter reads these instead (warehouse/queries/level_progress.sql and friends).
-- tests/test_kept_tables.py holds each equal to its view.
CREATE OR REPLACE TABLE targets_in_force_kept AS SELECT * FROM targets_in_force ORDER BY period;
CREATE OR REPLACE TABLE level_progress_kept AS SELECT * FROM level_progress ORDER BY period;
CREATE OR REPLACE TABLE plan_progress_kept AS SELECT * FROM plan_progress ORDER BY plan_code, period;

-- Who reported per period and level (reporting_completeness' counts), over the view's periods:
-- every quarter in the span of reports, and every period reported directly. Built from the counts
-- the loader keeps (reporting_counts) beside the units expected, not by pairing every unit with
-- every period as the view does.
CREATE OR REPLACE TABLE reporting_completeness_kept AS
WITH reported_periods AS (
    SELECT DISTINCT period FROM unit_reports
), report_periods AS (
    SELECT p.period FROM periods p
    WHERE p.period_type = 'quarter'
      AND p.start_date >= (SELECT min(rp.start_date) FROM periods rp JOIN reported_periods USING (period))
      AND p.end_date <= (SELECT max(rp.end_date) FROM periods rp JOIN reported_periods USING (period))
    UNION
    SELECT period FROM reported_periods
)
SELECT e.period, e.level, e.units_expected,
       coalesce(r.units_reported, 0) AS units_reported, coalesce(r.units_on_time, 0) AS units_on_time
FROM level_units_expected e
JOIN report_periods USING (period)
LEFT JOIN reporting_counts r USING (period, level)
ORDER BY e.period, e.level;
