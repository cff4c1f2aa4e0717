-- The public views: the warehouse's API (documented column by column in the README).
-- The aggregation rule lives here once: a group's rate is sum(numerators) / sum(denominators)
-- over the units and periods that reported both parts, never a mean of rates.

-- Current accepted values, as reported (current_values is kept by warehouse/sql/derived.sql).
CREATE OR REPLACE VIEW metric_values AS
SELECT u.unit_key, u.unit_code, u.unit_name, u.level, u.era, u.province_key,
       c.period, p.period_type, c.metric_code, c.value, c.submission_id
FROM current_values c
JOIN units u USING (unit_key)
JOIN periods p USING (period);

-- Values of every period: quarters as reported; half-years and years derived from quarters
-- (flows summed, stocks the last reported quarter) unless reported directly.
CREATE OR REPLACE VIEW period_metric_values AS
SELECT unit_key, period, metric_code, value FROM period_values;

-- Each unit's own indicators, where every term of both sides was reported.
CREATE OR REPLACE VIEW unit_indicator_parts AS
SELECT unit_key, period, indicator_code, numerator, denominator FROM unit_indicator_values;

CREATE OR REPLACE VIEW indicator_values AS
WITH own AS (
    SELECT unit_key, period, indicator_code, numerator, denominator, 1 AS units_reporting, 'unit' AS scope
    FROM unit_indicator_parts
),
area AS (
    SELECT a.ancestor_key AS unit_key, p.period, p.indicator_code,
           sum(p.numerator) AS numerator, sum(p.denominator) AS denominator,
           count(*) AS units_reporting, 'area' AS scope
    FROM unit_indicator_parts p
    JOIN unit_ancestors a USING (unit_key)
    GROUP BY a.ancestor_key, p.period, p.indicator_code
),
both_scopes AS (SELECT * FROM own UNION ALL SELECT * FROM area)
SELECT u.unit_key, u.unit_code, u.unit_name, u.level, u.era, u.province_key,
       b.scope, b.period, pr.period_type, b.indicator_code, b.numerator, b.denominator,
       CASE WHEN b.denominator > 0 THEN b.numerator / b.denominator END AS value,
       b.units_reporting
FROM both_scopes b
JOIN units u USING (unit_key)
JOIN periods pr USING (period);

-- A level's own actuals: its reporting units (never the province root); the sums are kept per
-- (period, level) by the loader (level_indicator_values, warehouse/sql/derived.sql).
CREATE OR REPLACE VIEW level_actuals AS
SELECT period, level, indicator_code, numerator, denominator,
       CASE WHEN denominator > 0 THEN numerator / denominator END AS value,
       units_reporting
FROM level_indicator_values
WHERE NOT is_root;

-- Units of each level active on any day of each period: counted per validity span first (a
-- country has a few spans, not tens of thousands of units to pair with every period).
CREATE OR REPLACE VIEW level_units_expected AS
WITH spans AS (
    SELECT level, valid_from, valid_to, count(*) AS units
    FROM units
    WHERE NOT is_root
    GROUP BY level, valid_from, valid_to
)
SELECT p.period, s.level, CAST(sum(s.units) AS BIGINT) AS units_expected
FROM periods p
JOIN spans s ON s.valid_from <= p.end_date AND s.valid_to >= p.start_date
GROUP BY p.period, s.level;

-- The periods the warehouse has data for (reported or derived): those of unit_indicator_values,
-- read from its per-level sums.
CREATE OR REPLACE VIEW data_periods AS
SELECT DISTINCT period FROM level_indicator_values;

-- Periods with at least one accepted value as reported (metric_values' periods, read from the
-- table without joining every unit: the dashboard asks on every page).
CREATE OR REPLACE VIEW reported_periods AS
SELECT DISTINCT period FROM current_values;

-- Every plan's target for each period: within a plan, the nearest deadline at or after the
-- period's end, else the last one.
CREATE OR REPLACE VIEW plan_period_targets AS
SELECT p.period, t.plan_code, pl.doc_number, pl.scope, t.level, t.indicator_code,
       t.target, t.deadline, t.baseline_value, t.baseline_period
FROM periods p
CROSS JOIN targets t
JOIN plans pl USING (plan_code)
QUALIFY row_number() OVER (
    PARTITION BY p.period, t.plan_code, t.level, t.indicator_code
    ORDER BY (t.deadline < p.end_date), CASE WHEN t.deadline >= p.end_date THEN t.deadline END,
             t.deadline DESC) = 1;

-- The target in force across plans: nearest deadline at or after the period's end (the
-- province's own plan first on a tie); past the last deadline, the last target.
CREATE OR REPLACE VIEW targets_in_force AS
SELECT * FROM plan_period_targets pt
JOIN periods p USING (period)
QUALIFY row_number() OVER (
    PARTITION BY pt.period, pt.level, pt.indicator_code
    ORDER BY (pt.deadline < p.end_date), CASE WHEN pt.deadline >= p.end_date THEN pt.deadline END,
             pt.deadline DESC, (pt.scope <> 'province'), pt.plan_code) = 1;

CREATE OR REPLACE MACRO target_status(value, target) AS
    CASE WHEN value IS NULL OR target IS NULL THEN 'no_data'
         WHEN value >= target - 1e-9 THEN 'met'
         WHEN value >= target - (SELECT CAST(s.value AS DOUBLE) FROM settings s WHERE s.key = 'status_margin') THEN 'near'
         ELSE 'behind' END;

-- A target whose deadline passed before the period began is expired: never 'met' for a later
-- period (targets_in_force only keeps it when no plan sets a later deadline).
CREATE OR REPLACE MACRO target_status_on(value, target, deadline, period_start) AS
    CASE WHEN deadline < period_start THEN 'expired' ELSE target_status(value, target) END;

-- The plan's trajectory (lộ trình): linear from the baseline to the target at the deadline.
CREATE OR REPLACE MACRO trajectory(baseline, baseline_end, target, deadline, period_end) AS
    CASE WHEN baseline IS NULL OR period_end < baseline_end THEN NULL
         WHEN period_end >= deadline THEN target
         ELSE baseline + (target - baseline)
              * date_diff('day', baseline_end, period_end) / greatest(date_diff('day', baseline_end, deadline), 1) END;

-- The periods an indicator applies in: every metric of its formula is valid on some day of
-- the period (levels 2/3/4 until 14 August 2022, toàn trình / một phần from 15 August 2022).
CREATE OR REPLACE VIEW indicator_periods AS
SELECT t.indicator_code, p.period
FROM indicator_terms t
JOIN metrics m USING (metric_code)
JOIN periods p ON m.valid_from <= p.end_date AND m.valid_to >= p.start_date
GROUP BY t.indicator_code, p.period
HAVING count(*) = (SELECT count(*) FROM indicator_terms x WHERE x.indicator_code = t.indicator_code);

CREATE OR REPLACE VIEW level_progress AS
WITH grid AS (
    SELECT e.period, e.level, ip.indicator_code, e.units_expected
    FROM level_units_expected e
    JOIN data_periods USING (period)
    JOIN indicator_periods ip USING (period)
)
SELECT g.period, pr.period_type, g.level, g.indicator_code,
       a.numerator, a.denominator, a.value,
       t.target, t.deadline, t.plan_code, t.doc_number,
       trajectory(coalesce(t.baseline_value, b.value), bp.end_date, t.target, t.deadline, pr.end_date) AS expected,
       target_status_on(a.value, t.target, t.deadline, pr.start_date) AS status,
       CASE WHEN t.deadline < pr.start_date THEN target_status(d.value, t.target) END AS status_at_deadline,
       coalesce(a.units_reporting, 0) AS units_reporting, g.units_expected,
       coalesce(a.units_reporting, 0) / g.units_expected AS coverage,
       coalesce(a.units_reporting, 0) / g.units_expected
           < (SELECT CAST(s.value AS DOUBLE) FROM settings s WHERE s.key = 'coverage_threshold') AS partial
FROM grid g
JOIN periods pr USING (period)
LEFT JOIN level_actuals a USING (period, level, indicator_code)
LEFT JOIN targets_in_force t USING (period, level, indicator_code)
LEFT JOIN periods bp ON bp.period = t.baseline_period
LEFT JOIN level_actuals b ON b.period = t.baseline_period AND b.level = g.level AND b.indicator_code = g.indicator_code
LEFT JOIN periods dp ON dp.period_type = pr.period_type AND t.deadline BETWEEN dp.start_date AND dp.end_date
LEFT JOIN level_actuals d ON d.period = dp.period AND d.level = g.level AND d.indicator_code = g.indicator_code;

CREATE OR REPLACE VIEW plan_progress AS
SELECT t.plan_code, t.doc_number, a.period, pr.period_type, a.level, a.indicator_code, a.value,
       t.target, t.deadline, target_status_on(a.value, t.target, t.deadline, pr.start_date) AS status,
       CASE WHEN t.deadline < pr.start_date THEN target_status(d.value, t.target) END AS status_at_deadline
FROM level_actuals a
JOIN periods pr USING (period)
JOIN plan_period_targets t USING (period, level, indicator_code)
LEFT JOIN periods dp ON dp.period_type = pr.period_type AND t.deadline BETWEEN dp.start_date AND dp.end_date
LEFT JOIN level_actuals d ON d.period = dp.period AND d.level = a.level AND d.indicator_code = a.indicator_code;

CREATE OR REPLACE VIEW target_progress AS
SELECT v.unit_key, v.unit_code, v.unit_name, v.level, v.era, v.period, v.period_type, v.indicator_code,
       v.value, t.target, t.deadline, t.plan_code,
       target_status_on(v.value, t.target, t.deadline, pr.start_date) AS status,
       CASE WHEN t.deadline < pr.start_date THEN target_status(d.numerator / d.denominator, t.target) END AS status_at_deadline
FROM (
    -- the units' own rows of indicator_values, read straight from their parts: the view's
    -- 'area' half aggregates the whole country and is never wanted here
    SELECT u.unit_key, u.unit_code, u.unit_name, u.level, u.era, p.period, pr.period_type, p.indicator_code,
           CASE WHEN p.denominator > 0 THEN p.numerator / p.denominator END AS value
    FROM unit_indicator_parts p
    JOIN units u USING (unit_key)
    JOIN periods pr USING (period)
    WHERE NOT u.is_root
) v
JOIN periods pr ON pr.period = v.period
LEFT JOIN targets_in_force t ON t.period = v.period AND t.level = v.level AND t.indicator_code = v.indicator_code
-- the deadline's period only where the target expired (the only rows that use it), so the
-- lookup below reads that period's rows, not every unit's every period
LEFT JOIN periods dp ON t.deadline < pr.start_date
    AND dp.period_type = pr.period_type AND t.deadline BETWEEN dp.start_date AND dp.end_date
LEFT JOIN (
    SELECT * FROM unit_indicator_values
    WHERE period IN (SELECT p.period FROM periods p JOIN targets x ON x.deadline BETWEEN p.start_date AND p.end_date)
) d ON d.unit_key = v.unit_key AND d.period = dp.period AND d.indicator_code = v.indicator_code
    AND d.denominator > 0;

-- The period the dashboard and the exports open on, as of `today`: the latest quarter with data
-- whose due date has passed (an early trickle for a running quarter never takes over); only
-- when no quarter with data is due yet, the latest quarter with data.
CREATE OR REPLACE MACRO opening_period(today) AS TABLE
SELECT p.period
FROM periods p JOIN data_periods USING (period)
WHERE p.period_type = 'quarter'
ORDER BY (p.due_date < today) DESC, p.end_date DESC
LIMIT 1;

-- Each accepted (or since superseded) submission's review: 'not_required' (loaded while review
-- was off: it counts), 'waiting', 'accepted' or 'sent_back' by its latest decision. The rule
-- that a submission counts (not_required or accepted) is derived.sql's, for current_values.
CREATE OR REPLACE VIEW review_state AS
WITH latest AS (
    SELECT submission_id, arg_max(decision, seq) AS decision, arg_max(comment, seq) AS comment,
           arg_max(reviewed_by, seq) AS reviewed_by, arg_max(reviewed_at, seq) AS reviewed_at
    FROM submission_reviews GROUP BY submission_id
)
SELECT s.submission_id, s.file_name, s.submitted_by, s.loaded_at, s.status, s.periods,
       coalesce(s.needs_review, false) AS needs_review,
       CASE WHEN l.decision = 'accept' THEN 'accepted'
            WHEN l.decision = 'send_back' THEN 'sent_back'
            WHEN coalesce(s.needs_review, false) THEN 'waiting'
            ELSE 'not_required' END AS review_state,
       NOT coalesce(s.needs_review, false) OR l.decision IS NOT DISTINCT FROM 'accept' AS counted,
       l.decision, l.comment, l.reviewed_by, l.reviewed_at
FROM submissions s LEFT JOIN latest l USING (submission_id)
WHERE s.status IN ('accepted', 'superseded');

-- Each period's latest lock or unlock: locked, since when (the server's local time), by whom, why.
CREATE OR REPLACE VIEW period_lock_state AS
SELECT period, arg_max(action, seq) = 'lock' AS locked, arg_max(changed_at, seq) AS changed_at,
       arg_max(actor, seq) AS changed_by, arg_max(reason, seq) AS reason
FROM period_locks GROUP BY period;

-- Comments on a unit's indicator in a period, oldest first per figure.
CREATE OR REPLACE VIEW value_comment_log AS
SELECT c.unit_key, u.unit_code, u.unit_name, u.level, c.indicator_code, c.period, c.text,
       c.author, c.author_role, c.written_at
FROM value_comments c JOIN units u USING (unit_key);

-- Who was expected to report each period, and who did (quarters and directly reported periods).
CREATE OR REPLACE VIEW expected_reports AS
WITH reported_periods AS (
    SELECT DISTINCT period FROM unit_reports
),
quarter_span AS (
    SELECT p.period FROM periods p
    WHERE p.period_type = 'quarter'
      AND p.start_date >= (SELECT min(rp.start_date) FROM periods rp JOIN reported_periods USING (period))
      AND p.end_date <= (SELECT max(rp.end_date) FROM periods rp JOIN reported_periods USING (period))
),
report_periods AS (
    SELECT period FROM quarter_span UNION SELECT period FROM reported_periods
),
first_reports AS (
    SELECT r.unit_key, r.period, min(r.submitted_at) AS first_submitted_at
    FROM unit_reports r JOIN submissions s USING (submission_id)
    WHERE s.status IN ('accepted', 'superseded')
    GROUP BY r.unit_key, r.period
),
-- a unit whose latest upload for the period waits for review (what the reporting page counts)
waiting_reports AS (
    SELECT r.unit_key, r.period, arg_max(rs.review_state, r.submission_id) = 'waiting' AS waiting
    FROM unit_reports r JOIN review_state rs USING (submission_id)
    GROUP BY r.unit_key, r.period
)
SELECT p.period, p.due_date, u.unit_key, u.unit_code, u.unit_name, u.level, u.parent_key,
       f.first_submitted_at,
       f.first_submitted_at IS NOT NULL AS reported,
       f.first_submitted_at IS NOT NULL AND CAST(f.first_submitted_at AS DATE) <= p.due_date AS on_time,
       coalesce(w.waiting, false) AS waiting
FROM report_periods rp
JOIN periods p USING (period)
JOIN units u ON u.valid_from <= p.end_date AND u.valid_to >= p.start_date AND NOT u.is_root
LEFT JOIN first_reports f ON f.unit_key = u.unit_key AND f.period = p.period
LEFT JOIN waiting_reports w ON w.unit_key = u.unit_key AND w.period = p.period;

CREATE OR REPLACE VIEW reporting_completeness AS
SELECT period, level, count(*) AS units_expected,
       count(*) FILTER (WHERE reported) AS units_reported,
       count(*) FILTER (WHERE on_time) AS units_on_time,
       count(*) FILTER (WHERE reported) / count(*) AS rate,
       count(*) FILTER (WHERE on_time) / count(*) AS on_time_rate,
       count(*) FILTER (WHERE waiting) AS units_waiting
FROM expected_reports
GROUP BY period, level;

CREATE OR REPLACE VIEW missing_reports AS
SELECT e.period, e.level, e.unit_key, e.unit_code, e.unit_name, parent.unit_name AS parent_name, e.due_date
FROM expected_reports e
LEFT JOIN units parent ON parent.unit_key = e.parent_key
WHERE NOT e.reported;

-- Catalog and reference views --------------------------------------------------------

CREATE OR REPLACE VIEW catalog_metrics AS
SELECT metric_code, name_vi, name_en, unit_vi, unit_en, kind, valid_from, valid_to, group_vi
FROM metrics ORDER BY sort_order;

-- The online-service metrics of the two eras, read from the catalog's validity: levels 2/3/4
-- valid only until Decree 42/2022/NĐ-CP (era 'old'), toàn trình / một phần only from it ('new').
-- The two eras meet on the day of that change; a stock that starts later (the eligible
-- procedures of Decision 2629, from the 2025 reform) is a count of procedures, not an era's
-- online services, and belongs to neither.
CREATE OR REPLACE VIEW service_metrics AS
WITH change AS (SELECT min(valid_to) + 1 AS day FROM metrics WHERE valid_to < DATE '9999-12-31')
SELECT metric_code, name_vi, name_en,
       CASE WHEN valid_to < DATE '9999-12-31' THEN 'old' ELSE 'new' END AS era,
       valid_from, valid_to, sort_order
FROM metrics, change
WHERE kind = 'stock' AND (valid_to + 1 = change.day OR valid_from = change.day)
ORDER BY sort_order;

CREATE OR REPLACE VIEW catalog_indicators AS
SELECT indicator_code, name_vi, name_en, numerator, denominator, group_vi, group_en
FROM indicators ORDER BY sort_order;

CREATE OR REPLACE VIEW plan_targets AS
SELECT p.plan_code, p.doc_number, p.title_vi, p.title_en, p.issuer, p.issued_on, p.scope,
       t.indicator_code, t.level, t.target, t.deadline, t.baseline_value, t.baseline_period, p.source
FROM targets t JOIN plans p USING (plan_code)
ORDER BY t.deadline, p.plan_code, t.indicator_code, t.level;

CREATE OR REPLACE VIEW unit_directory AS
SELECT u.unit_key, u.unit_code, u.unit_name, u.short_name, u.unit_type, u.level, u.is_root,
       u.parent_key, parent.unit_name AS parent_name, u.province_key, u.era, u.valid_from, u.valid_to
FROM units u LEFT JOIN units parent ON parent.unit_key = u.parent_key;

CREATE OR REPLACE VIEW period_calendar AS
SELECT period, period_type, year, number, start_date, end_date, due_date, cutoff_date, label_vi, label_en FROM periods;

CREATE OR REPLACE VIEW submission_log AS
SELECT submission_id, file_name, file_sha256, layout, submitted_by, submitted_at, loaded_at, status,
       superseded_by, periods, units_count, values_count, errors_count, warnings_count
FROM submissions;

CREATE OR REPLACE VIEW load_issues AS
SELECT i.submission_id, s.file_name, s.loaded_at, s.status, i.severity, i.sheet, i.cell, i.code,
       i.message_vi, i.message_en
FROM submission_issues i JOIN submissions s USING (submission_id);

CREATE OR REPLACE VIEW unit_submissions AS
SELECT r.unit_key, r.period, r.submission_id, s.file_name, r.submitted_at, s.status
FROM unit_reports r JOIN submissions s USING (submission_id);

-- Where each unit lies (the centre of a GSO unit; agencies have no place of their own).
CREATE OR REPLACE VIEW unit_map AS
SELECT u.unit_key, u.unit_code, u.unit_name, u.level, u.era, p.lat, p.lon, p.area_km2
FROM unit_points p JOIN units u USING (unit_key);

-- Composite indices ---------------------------------------------------------------------

-- Each unit's current score cells per index and period: those of its latest accepted file.
CREATE OR REPLACE VIEW index_current_cells AS
SELECT v.* FROM index_score_values v
JOIN submissions s USING (submission_id)
WHERE s.status IN ('accepted', 'superseded')
QUALIFY v.submission_id = max(v.submission_id) OVER (PARTITION BY v.index_code, v.period, v.unit_key);

-- Each criterion govkpi scores from the metrics it holds: a criterion on a ratio indicator
-- whose figures are all set (its maximum; for steps and yes_no every threshold), for each unit
-- and period of the version in force at the period's end. One definition with
-- etl.indices.criterion_score: linear = maximum × the ratio capped to 0..1; steps (and yes_no,
-- one step: yes = full) = the share of the first step, highest first, whose at_least the ratio
-- reaches (within 1e-12, RATIO_TOLERANCE), else the share below every step.
CREATE OR REPLACE VIEW index_criterion_scores AS
WITH scorable AS (
    SELECT c.* FROM index_criteria c
    WHERE c.indicator_code IS NOT NULL AND c.max_score IS NOT NULL
      AND (c.rule_kind = 'linear'
           OR (c.rule_kind IN ('steps', 'yes_no')
               AND EXISTS (SELECT 1 FROM index_criterion_steps s
                           WHERE s.index_code = c.index_code AND s.version = c.version AND s.group_code = c.group_code
                             AND s.criterion_code = c.criterion_code AND NOT s.is_else)
               AND NOT EXISTS (SELECT 1 FROM index_criterion_steps s
                               WHERE s.index_code = c.index_code AND s.version = c.version
                                 AND s.group_code = c.group_code AND s.criterion_code = c.criterion_code
                                 AND NOT s.is_else AND s.at_least IS NULL)))
),
ratios AS (
    SELECT c.index_code, c.version, v.period, v.unit_key, c.group_code, c.criterion_code, c.max_score,
           c.rule_kind, c.indicator_code, v.numerator / v.denominator AS ratio, p.end_date AS as_of
    FROM scorable c
    JOIN index_versions iv ON iv.index_code = c.index_code AND iv.version = c.version
    JOIN unit_indicator_values v ON v.indicator_code = c.indicator_code AND v.denominator > 0
    JOIN periods p ON p.period = v.period AND p.end_date BETWEEN iv.valid_from AND iv.valid_to
    JOIN units u ON u.unit_key = v.unit_key AND NOT u.is_root
)
SELECT r.index_code, r.version, r.period, u.unit_code, u.unit_name, u.level, r.group_code, r.criterion_code,
       CASE WHEN r.rule_kind = 'linear' THEN r.max_score * least(greatest(r.ratio, 0), 1)
            ELSE r.max_score * coalesce(
                (SELECT s.share FROM index_criterion_steps s
                 WHERE s.index_code = r.index_code AND s.version = r.version AND s.group_code = r.group_code
                   AND s.criterion_code = r.criterion_code AND NOT s.is_else AND r.ratio >= s.at_least - 1e-12
                 ORDER BY s.step_order LIMIT 1),
                (SELECT s.share FROM index_criterion_steps s
                 WHERE s.index_code = r.index_code AND s.version = r.version AND s.group_code = r.group_code
                   AND s.criterion_code = r.criterion_code AND s.is_else), 0) END AS score,
       r.max_score, r.rule_kind, r.indicator_code, r.ratio, 'computed' AS source, r.as_of, r.unit_key
FROM ratios r JOIN units u USING (unit_key);

-- Scores published by the national portal ('reported'), and group scores govkpi computes from
-- the metrics it holds ('computed': the sum of index_criterion_scores for a group all of whose
-- criteria are scored for that unit and period).
CREATE OR REPLACE VIEW index_group_scores AS
WITH reported AS (
    SELECT c.index_code, c.version, c.period, c.unit_key, c.group_code, c.score, 'reported' AS source, c.as_of
    FROM index_current_cells c WHERE c.group_code IS NOT NULL
),
computed AS (
    SELECT s.index_code, s.version, s.period, s.unit_key, s.group_code, sum(s.score) AS score,
           'computed' AS source, any_value(s.as_of) AS as_of
    FROM index_criterion_scores s
    GROUP BY s.index_code, s.version, s.period, s.unit_key, s.group_code
    HAVING count(*) = (SELECT count(*) FROM index_criteria x
                       WHERE x.index_code = s.index_code AND x.version = s.version AND x.group_code = s.group_code)
)
SELECT s.index_code, s.version, s.period, u.unit_code, u.unit_name, u.level, s.group_code,
       g.name_vi AS group_name_vi, g.name_en AS group_name_en, g.sort_order AS group_order,
       s.score, g.max_score, s.source, s.as_of, s.unit_key
FROM (SELECT * FROM reported UNION ALL SELECT * FROM computed) s
JOIN units u USING (unit_key)
JOIN index_groups g USING (index_code, version, group_code);

-- Each unit's total per index and period, graded and ranked within its level; rank_change is
-- the places gained since the previous period of the same kind (+3: three places up).
CREATE OR REPLACE VIEW index_scores AS
WITH totals AS (
    SELECT c.index_code, c.version, c.period, c.previous_period, c.unit_key, c.score, c.as_of, u.level,
           rank() OVER (PARTITION BY c.index_code, c.period, u.level ORDER BY c.score DESC) AS rank_in_level
    FROM index_current_cells c JOIN units u USING (unit_key)
    WHERE c.group_code IS NULL
)
SELECT t.index_code, t.version, t.period, u.unit_code, u.unit_name, t.level, t.score, iv.max_score,
       (SELECT b.grade FROM index_grade_bands b
        WHERE b.index_code = t.index_code AND b.version = t.version AND b.min_score <= t.score + 1e-9
          -- a band left for the province to fill in (NULL) leaves every score ungraded, never
          -- graded by the lower bands alone
          AND NOT EXISTS (SELECT 1 FROM index_grade_bands n WHERE n.index_code = t.index_code
                          AND n.version = t.version AND n.min_score IS NULL)
        ORDER BY b.sort_order LIMIT 1) AS grade,
       t.rank_in_level, p.rank_in_level - t.rank_in_level AS rank_change, 'reported' AS source, t.as_of,
       t.unit_key
FROM totals t
JOIN units u USING (unit_key)
JOIN index_versions iv USING (index_code, version)
LEFT JOIN totals p ON p.index_code = t.index_code AND p.period = t.previous_period
                  AND p.unit_key = t.unit_key AND p.level = t.level;

CREATE OR REPLACE VIEW catalog_indices AS
SELECT index_code, version, name_vi, name_en, cadence, continuous, valid_from, valid_to, max_score, source
FROM index_versions ORDER BY index_code, valid_from;

CREATE OR REPLACE VIEW catalog_index_criteria AS
SELECT c.index_code, c.version, c.group_code, g.name_vi AS group_name_vi, g.max_score AS group_max_score,
       c.criterion_code, c.name_vi, c.name_en, c.max_score, c.rule_kind, c.indicator_code, c.evidence,
       c.verifier, c.source
FROM index_criteria c JOIN index_groups g USING (index_code, version, group_code)
ORDER BY c.index_code, c.version, g.sort_order, c.sort_order;

-- The figures the province filled in itself (index_settings), each with the label it is shown
-- with wherever it appears: "do tỉnh điền: <who> (<file>, mục <n>)" (etl.indices.Setting.provenance).
CREATE OR REPLACE VIEW index_province_settings AS
SELECT index_code, version, target, code, step, value, set_by, file_name, entry, set_at,
       'do tỉnh điền: ' || set_by || ' (' || file_name || ', mục ' || entry || ')' AS label
FROM index_settings ORDER BY index_code, version, entry;
