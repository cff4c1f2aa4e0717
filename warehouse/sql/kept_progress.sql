-- The progress the pages open on, kept whole as tables: each is the view of the same name read
-- in full, rebuilt at the end of every load group's refresh (in its transaction), when a
-- warehouse is created and when a writer opens an older one. The views compute every period
-- and plan whatever the filter (~35-90 ms nationally each); the pages' first look at a new
-- filter reads these instead (warehouse/queries/level_progress.sql and friends).
-- tests/test_kept_tables.py holds each equal to its view.
CREATE OR REPLACE TABLE targets_in_force_kept AS SELECT * FROM targets_in_force ORDER BY period;
CREATE OR REPLACE TABLE level_progress_kept AS SELECT * FROM level_progress ORDER BY period;
CREATE OR REPLACE TABLE plan_progress_kept AS SELECT * FROM plan_progress ORDER BY plan_code, period;
