-- Recomputes the derived tables for the (unit, period) pairs in the temporary table `touched`
-- (a file's units and periods, with every half-year and year containing them).
-- Statements are separated by ';' and run in order inside the file's transaction.

DELETE FROM current_values c USING touched t WHERE c.unit_key = t.unit_key AND c.period = t.period;

-- Per unit, period and metric the latest accepted file that carried the cell wins; a blank
-- there (NULL) cleared the value. A file loaded while review was required (needs_review)
-- counts only once its latest review decision is 'accept': a newer file waiting for review,
-- or sent back, never displaces the reviewed value. (views.sql review_state says the same.)
INSERT INTO current_values
SELECT unit_key, period, metric_code, value, submission_id FROM (
    SELECT rv.unit_key, rv.period, rv.metric_code, rv.value, rv.submission_id
    FROM reported_values rv
    JOIN touched t ON t.unit_key = rv.unit_key AND t.period = rv.period
    JOIN submissions s ON s.submission_id = rv.submission_id
    LEFT JOIN (SELECT submission_id, arg_max(decision, seq) AS decision FROM submission_reviews GROUP BY submission_id) r
      ON r.submission_id = s.submission_id
    WHERE s.status IN ('accepted', 'superseded')
      AND (NOT coalesce(s.needs_review, false) OR r.decision = 'accept')
    QUALIFY row_number() OVER (PARTITION BY rv.unit_key, rv.period, rv.metric_code ORDER BY rv.submission_id DESC) = 1
) WHERE value IS NOT NULL;

DELETE FROM period_values v USING touched t WHERE v.unit_key = t.unit_key AND v.period = t.period;

-- Quarters as reported; half-years and years derived from their quarters (flows summed,
-- stocks the last reported quarter) unless reported directly.
INSERT INTO period_values
WITH direct AS (
    SELECT c.unit_key, c.period, c.metric_code, c.value
    FROM current_values c JOIN touched t ON t.unit_key = c.unit_key AND t.period = c.period
),
derived AS (
    SELECT c.unit_key, pp.period, c.metric_code,
           CASE WHEN any_value(m.kind) = 'flow' THEN sum(c.value) ELSE arg_max(c.value, qp.end_date) END AS value
    FROM touched t
    JOIN period_parts pp ON pp.period = t.period
    JOIN current_values c ON c.unit_key = t.unit_key AND c.period = pp.quarter
    JOIN periods qp ON qp.period = c.period
    JOIN metrics m ON m.metric_code = c.metric_code
    GROUP BY c.unit_key, pp.period, c.metric_code
)
SELECT unit_key, period, metric_code, value FROM direct
UNION ALL
SELECT d.unit_key, d.period, d.metric_code, d.value FROM derived d ANTI JOIN direct x USING (unit_key, period, metric_code)
-- stored by period, so a one-period filter skips the other periods' row groups
ORDER BY period, unit_key;

DELETE FROM unit_indicator_values v USING touched t WHERE v.unit_key = t.unit_key AND v.period = t.period;

-- Each unit's own indicator parts, where every term of both sides was reported.
CREATE OR REPLACE TEMP TABLE touched_unit_values AS
WITH term_counts AS (
    SELECT indicator_code,
           count(*) FILTER (WHERE side = 'numerator') AS numerator_terms,
           count(*) FILTER (WHERE side = 'denominator') AS denominator_terms
    FROM indicator_terms GROUP BY indicator_code
),
sums AS (
    SELECT v.unit_key, v.period, it.indicator_code,
           sum(it.sign * v.value) FILTER (WHERE it.side = 'numerator') AS numerator,
           count(*) FILTER (WHERE it.side = 'numerator') AS numerator_terms,
           sum(it.sign * v.value) FILTER (WHERE it.side = 'denominator') AS denominator,
           count(*) FILTER (WHERE it.side = 'denominator') AS denominator_terms
    FROM period_values v
    JOIN touched t ON t.unit_key = v.unit_key AND t.period = v.period
    JOIN indicator_terms it ON it.metric_code = v.metric_code
    GROUP BY v.unit_key, v.period, it.indicator_code
)
SELECT s.unit_key, s.period, s.indicator_code, CAST(s.numerator AS DOUBLE) AS numerator,
       CAST(s.denominator AS DOUBLE) AS denominator
FROM sums s JOIN term_counts c USING (indicator_code)
WHERE s.numerator_terms = c.numerator_terms AND s.denominator_terms = c.denominator_terms;

-- stored by period, so a page's one-period filter skips the other periods' row groups
INSERT INTO unit_indicator_values SELECT * FROM touched_unit_values ORDER BY period, unit_key;

DELETE FROM unit_quarter_values v USING touched t WHERE v.unit_key = t.unit_key AND v.period = t.period;

-- the same rows' quarters again, stored by unit for one unit's trend (schema.sql)
INSERT INTO unit_quarter_values
SELECT v.* FROM touched_unit_values v JOIN periods p USING (period)
WHERE p.period_type = 'quarter'
ORDER BY v.unit_key, v.period;

DROP TABLE touched_unit_values;

-- Each level's sums for the (period, level) pairs the touched units belong to, over every
-- reporting unit of that level (a level's rate is sum(numerators) / sum(denominators)).
CREATE OR REPLACE TEMP TABLE touched_levels AS
SELECT DISTINCT t.period, u.level FROM touched t JOIN units u USING (unit_key);

DELETE FROM level_indicator_values l USING touched_levels t WHERE l.period = t.period AND l.level = t.level;

INSERT INTO level_indicator_values
SELECT v.period, u.level, u.is_root, v.indicator_code, sum(v.numerator), sum(v.denominator), count(*)
FROM unit_indicator_values v
JOIN units u USING (unit_key)
JOIN touched_levels t ON t.period = v.period AND t.level = u.level
GROUP BY v.period, u.level, u.is_root, v.indicator_code;

DROP TABLE touched_levels;

-- Each area's sums (indicator_values' 'area' rows: a unit and every unit under it) for the
-- (area, period) pairs the touched units belong to, over every unit of the area.
CREATE OR REPLACE TEMP TABLE touched_areas AS
SELECT DISTINCT a.ancestor_key AS unit_key, t.period FROM touched t JOIN unit_ancestors a USING (unit_key);

DELETE FROM area_indicator_values v USING touched_areas t WHERE v.unit_key = t.unit_key AND v.period = t.period;

-- The (unit, area, period) triples wanted come first, materialised: with the rows the group
-- just inserted, DuckDB's estimates led it to join unit_indicator_values with touched_areas on
-- the period alone (14 million rows, 6 s for 1,000 templates) before the ancestors. Only units
-- with indicator rows can add to a sum: a province's district tables leave its communes out
-- (a group of national district tables: 26,000 triples instead of 413,000, most matched by nothing).
INSERT INTO area_indicator_values
WITH wanted AS MATERIALIZED (
    SELECT a.unit_key, a.ancestor_key, t.period
    FROM touched_areas t JOIN unit_ancestors a ON a.ancestor_key = t.unit_key
    WHERE a.unit_key IN (SELECT unit_key FROM unit_indicator_values)
)
SELECT w.ancestor_key, p.period, p.indicator_code, sum(p.numerator), sum(p.denominator), count(*)
FROM unit_indicator_values p
JOIN wanted w ON w.unit_key = p.unit_key AND w.period = p.period
GROUP BY w.ancestor_key, p.period, p.indicator_code
ORDER BY w.ancestor_key, p.period;

DROP TABLE touched_areas;

-- Each touched period's current values summed per metric over every unit (metric_values' sums).
CREATE OR REPLACE TEMP TABLE touched_periods AS SELECT DISTINCT period FROM touched;

DELETE FROM period_metric_totals v USING touched_periods t WHERE v.period = t.period;

INSERT INTO period_metric_totals
SELECT c.period, c.metric_code, sum(c.value), count(*)
FROM current_values c
WHERE c.period IN (SELECT period FROM touched_periods)
GROUP BY c.period, c.metric_code;

-- Who reported per touched period and level: the units expected (active on a day of the
-- period, never the root) with an accepted (or since superseded) report, and those whose first
-- came by the due date (views.sql expected_reports says the same).
CREATE OR REPLACE TEMP TABLE touched_reporting AS
SELECT DISTINCT t.period, u.level FROM touched t JOIN units u USING (unit_key) WHERE NOT u.is_root;

DELETE FROM reporting_counts r USING touched_reporting t WHERE r.period = t.period AND r.level = t.level;

INSERT INTO reporting_counts
WITH first_reports AS (
    SELECT r.unit_key, r.period, min(r.submitted_at) AS first_submitted_at
    FROM unit_reports r JOIN submissions s USING (submission_id)
    WHERE s.status IN ('accepted', 'superseded') AND r.period IN (SELECT period FROM touched_reporting)
    GROUP BY r.unit_key, r.period
)
SELECT t.period, t.level, count(f.unit_key),
       count(*) FILTER (WHERE CAST(f.first_submitted_at AS DATE) <= p.due_date)
FROM touched_reporting t
JOIN periods p USING (period)
JOIN units u ON u.level = t.level AND u.valid_from <= p.end_date AND u.valid_to >= p.start_date AND NOT u.is_root
LEFT JOIN first_reports f ON f.unit_key = u.unit_key AND f.period = t.period
GROUP BY t.period, t.level;

DROP TABLE touched_reporting;

DROP TABLE touched_periods;
