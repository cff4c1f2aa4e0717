-- The warehouse's tables. Public views are in views.sql; nothing downstream reads these directly.

CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT
);

-- Catalog (from data/catalog/*.yaml) ------------------------------------------------------

CREATE TABLE IF NOT EXISTS metrics (
    metric_code TEXT PRIMARY KEY,
    name_vi     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    unit_vi     TEXT NOT NULL,
    unit_en     TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('flow', 'stock')),
    valid_from  DATE NOT NULL,
    valid_to    DATE NOT NULL,
    group_vi    TEXT,
    sort_order  INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS metric_aliases (
    metric_code TEXT NOT NULL,
    alias       TEXT NOT NULL
);

-- A part never exceeds its whole: sum(part metrics) <= whole metric.
CREATE TABLE IF NOT EXISTS metric_part_rules (
    rule_id      INTEGER NOT NULL,
    whole_metric TEXT NOT NULL,
    part_metric  TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS indicators (
    indicator_code  TEXT PRIMARY KEY,
    name_vi         TEXT NOT NULL,
    name_en         TEXT NOT NULL,
    numerator       TEXT NOT NULL,   -- the formula as written in the catalog
    denominator     TEXT NOT NULL,
    group_vi        TEXT,
    group_en        TEXT,
    sort_order      INTEGER NOT NULL
);

-- Each indicator's numerator and denominator as a signed sum of metric codes.
CREATE TABLE IF NOT EXISTS indicator_terms (
    indicator_code TEXT NOT NULL,
    side           TEXT NOT NULL CHECK (side IN ('numerator', 'denominator')),
    metric_code    TEXT NOT NULL,
    sign           INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS plans (
    plan_code     TEXT PRIMARY KEY,   -- e.g. 'KH648'
    doc_number    TEXT NOT NULL,      -- e.g. '648/KH-UBND'
    title_vi      TEXT NOT NULL,
    title_en      TEXT NOT NULL,
    issuer        TEXT NOT NULL,
    issued_on     DATE,
    scope         TEXT NOT NULL CHECK (scope IN ('national', 'province')),
    province_code TEXT,               -- GSO code of the province (old code for a pre-2025 plan)
    source        TEXT
);

CREATE TABLE IF NOT EXISTS targets (
    plan_code       TEXT NOT NULL,
    indicator_code  TEXT NOT NULL,
    level           TEXT NOT NULL CHECK (level IN ('province', 'district', 'commune')),
    target          DOUBLE NOT NULL,  -- fraction: 0.9 = 90%
    deadline        DATE NOT NULL,
    baseline_value  DOUBLE,
    baseline_period TEXT
);

CREATE TABLE IF NOT EXISTS settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Periods 2015..2035: quarters, half-years, years and the cumulative nine months, with their
-- due dates. (Months and weeks are periods of the composite indices only: index_score_values.)
CREATE TABLE IF NOT EXISTS periods (
    period      TEXT PRIMARY KEY,       -- 2025Q3, 2025H2, 2025, 2025Q1-Q3
    period_type TEXT NOT NULL CHECK (period_type IN ('quarter', 'half', 'year', 'nine_months')),
    year        INTEGER NOT NULL,
    number      INTEGER NOT NULL,       -- quarter 1-4, half 1-2, 1 for a year and the nine months
    start_date  DATE NOT NULL,
    end_date    DATE NOT NULL,
    due_date    DATE NOT NULL,
    label_vi    TEXT NOT NULL,          -- Quý III/2025, 6 tháng đầu năm 2025, Năm 2025
    label_en    TEXT NOT NULL,
    cutoff_date DATE                    -- the data run to this day (settings.cutoff_day_of_last_month)
);

-- Which quarters make up each half-year, nine months and year.
CREATE TABLE IF NOT EXISTS period_parts (
    period  TEXT NOT NULL,
    quarter TEXT NOT NULL
);

-- Administrative units of both eras ----------------------------------------------------

-- unit_key is unique; unit_code is the GSO code (or an agency code) and is only unique
-- together with a date, because GSO reused codes across the 2025 reform.
CREATE TABLE IF NOT EXISTS units (
    unit_key      TEXT PRIMARY KEY,     -- 'old:64', 'new:52', 'old:23404', 'agency:new:52:SKHCN'
    unit_code     TEXT NOT NULL,
    unit_name     TEXT NOT NULL,        -- full name with prefix: 'Huyện Chư Sê', 'Phường Pleiku'
    short_name    TEXT NOT NULL,        -- without prefix: 'Chư Sê'
    unit_type     TEXT NOT NULL,        -- tinh, thanh_pho_tw, huyen, thi_xa, thanh_pho, quan, xa, phuong, thi_tran, dac_khu, agency
    level         TEXT NOT NULL CHECK (level IN ('province', 'district', 'commune')),
    is_root       BOOLEAN NOT NULL,     -- the province itself: reports nothing
    parent_key    TEXT,
    province_key  TEXT NOT NULL,        -- the root this unit belongs to
    era           TEXT NOT NULL CHECK (era IN ('old', 'new')),
    valid_from    DATE NOT NULL,
    valid_to      DATE NOT NULL,
    name_key      TEXT,                 -- short_name normalised for matching (etl/unitnames.py), computed once
    fold_key      TEXT                  -- short_name without diacritics or spaces
);

-- Many-to-many old -> new lineage (communes; whole provinces for the roots).
CREATE TABLE IF NOT EXISTS unit_lineage (
    old_key TEXT NOT NULL,
    new_key TEXT NOT NULL
);

-- Every unit with each of its ancestors (itself included). A new province's root is also an
-- ancestor of every unit of its predecessor provinces, so history re-aggregates on the new map.
CREATE TABLE IF NOT EXISTS unit_ancestors (
    unit_key     TEXT NOT NULL,
    ancestor_key TEXT NOT NULL
);

-- Submissions and values ---------------------------------------------------------------

CREATE SEQUENCE IF NOT EXISTS submission_seq START 1;

CREATE TABLE IF NOT EXISTS submissions (
    submission_id   INTEGER PRIMARY KEY,
    file_name       TEXT NOT NULL,
    file_sha256     TEXT NOT NULL,
    layout          TEXT,               -- template | consolidated | index_scores
    submitted_by    TEXT,
    submitted_at    TIMESTAMP,          -- the report date the workbook states, or --submitted, or load time
    loaded_at       TIMESTAMP NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('accepted', 'rejected', 'duplicate', 'superseded')),
    superseded_by   INTEGER,
    duplicate_of    INTEGER,
    periods         TEXT,               -- comma-separated periods covered
    units_count     INTEGER NOT NULL,
    values_count    INTEGER NOT NULL,
    errors_count    INTEGER NOT NULL,
    warnings_count  INTEGER NOT NULL,
    needs_review    BOOLEAN DEFAULT false  -- loaded while review was required: counts once accepted by review
);

CREATE TABLE IF NOT EXISTS submission_issues (
    submission_id INTEGER NOT NULL,
    severity      TEXT NOT NULL CHECK (severity IN ('error', 'warning')),
    sheet         TEXT,
    cell          TEXT,
    code          TEXT NOT NULL,
    message_vi    TEXT NOT NULL,
    message_en    TEXT NOT NULL
);

-- One row per cell loaded. value NULL: the cell was blank in a column the file carries, which
-- clears an earlier value. The current value is the one from the latest accepted submission.
CREATE TABLE IF NOT EXISTS reported_values (
    submission_id INTEGER NOT NULL,
    unit_key      TEXT NOT NULL,
    period        TEXT NOT NULL,
    metric_code   TEXT NOT NULL,
    value         BIGINT,
    sheet         TEXT,
    cell          TEXT
);

-- Which (unit, period) each accepted submission reported, with its date: completeness reads it.
CREATE TABLE IF NOT EXISTS unit_reports (
    submission_id INTEGER NOT NULL,
    unit_key      TEXT NOT NULL,
    period        TEXT NOT NULL,
    submitted_at  TIMESTAMP NOT NULL
);

-- Derived tables, kept current inside each file's transaction (etl/derived.py), so the views
-- that the dashboard reads aggregate small tables instead of re-deriving every value.
CREATE TABLE IF NOT EXISTS current_values (
    unit_key      TEXT NOT NULL,
    period        TEXT NOT NULL,
    metric_code   TEXT NOT NULL,
    value         BIGINT NOT NULL,
    submission_id INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS period_values (
    unit_key    TEXT NOT NULL,
    period      TEXT NOT NULL,
    metric_code TEXT NOT NULL,
    value       BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS unit_indicator_values (
    unit_key       TEXT NOT NULL,
    period         TEXT NOT NULL,
    indicator_code TEXT NOT NULL,
    numerator      DOUBLE NOT NULL,
    denominator    DOUBLE NOT NULL
);

-- Each level's sums over its reporting units per period and indicator (the province root's
-- own rows apart, is_root): what level_actuals and data_periods show, kept per (period, level)
-- touched, so a page's first look at a period reads a few thousand rows instead of
-- aggregating every unit of the country.
CREATE TABLE IF NOT EXISTS level_indicator_values (
    period          TEXT NOT NULL,
    level           TEXT NOT NULL,
    is_root         BOOLEAN NOT NULL,
    indicator_code  TEXT NOT NULL,
    numerator       DOUBLE NOT NULL,
    denominator     DOUBLE NOT NULL,
    units_reporting BIGINT NOT NULL
);

-- Kept for the dashboard's first look (a cache miss), each refreshed with the others inside
-- the load's transaction (warehouse/sql/derived.sql) for the periods it touched:
-- each area's sums (a unit with every unit under it: indicator_values' 'area' rows), so an
-- area's trend reads its own rows instead of aggregating every unit of the country;
CREATE TABLE IF NOT EXISTS area_indicator_values (
    unit_key        TEXT NOT NULL,
    period          TEXT NOT NULL,
    indicator_code  TEXT NOT NULL,
    numerator       DOUBLE NOT NULL,
    denominator     DOUBLE NOT NULL,
    units_reporting BIGINT NOT NULL
);

-- each unit's own quarters (unit_indicator_values' quarter rows), stored by unit: that table is
-- stored by period for the pages' one-period filters, so one unit's trend read there touches a
-- row group per quarter (~4 million rows nationally); here it reads one or two;
CREATE TABLE IF NOT EXISTS unit_quarter_values (
    unit_key       TEXT NOT NULL,
    period         TEXT NOT NULL,
    indicator_code TEXT NOT NULL,
    numerator      DOUBLE NOT NULL,
    denominator    DOUBLE NOT NULL
);

-- each period's current values summed per metric over every unit (metric_values' sums; its
-- periods are reported_periods), so the services' totals and the period list read a few rows;
CREATE TABLE IF NOT EXISTS period_metric_totals (
    period          TEXT NOT NULL,
    metric_code     TEXT NOT NULL,
    value           HUGEINT NOT NULL,
    units_reporting BIGINT NOT NULL
);

-- who reported per period and level (reporting_completeness' counts of the units expected
-- that reported, and on time), so completeness does not pair every unit with every period.
CREATE TABLE IF NOT EXISTS reporting_counts (
    period         TEXT NOT NULL,
    level          TEXT NOT NULL,
    units_reported BIGINT NOT NULL,
    units_on_time  BIGINT NOT NULL
);

-- (unit, period) pairs whose derived rows await recomputation: written and consumed inside
-- each load group's transaction, so a load never leaves it committed; rows left by an earlier
-- govkpi (which refreshed once at the end of a load) are finished when a writer opens the file.
CREATE TABLE IF NOT EXISTS pending_refresh (
    unit_key TEXT NOT NULL,
    period   TEXT NOT NULL
);

-- Where each GSO unit lies (its centre), from data/reference/unit_points.csv, for the map.
CREATE TABLE IF NOT EXISTS unit_points (
    unit_key TEXT PRIMARY KEY,
    lat      DOUBLE NOT NULL,
    lon      DOUBLE NOT NULL,
    area_km2 DOUBLE
);

-- Review, locks and comments (issue 12), copied from the ops file by the writer in the order of
-- their `seq` (etl/review_sync.py): the largest seq here says what is already applied, in the
-- same transaction as the rows, so nothing is applied twice and a killed writer catches up.
-- Rows only grow: the latest row of a submission / period says what holds now.
CREATE TABLE IF NOT EXISTS submission_reviews (
    seq           BIGINT PRIMARY KEY,
    submission_id INTEGER NOT NULL,
    decision      TEXT NOT NULL CHECK (decision IN ('accept', 'send_back')),
    comment       TEXT,
    reviewed_by   TEXT NOT NULL,
    reviewed_at   TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS period_locks (
    seq       BIGINT PRIMARY KEY,
    period    TEXT NOT NULL,
    action    TEXT NOT NULL CHECK (action IN ('lock', 'unlock')),
    reason    TEXT,
    contacts  TEXT,
    actor     TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS value_comments (
    seq            BIGINT PRIMARY KEY,
    unit_key       TEXT NOT NULL,
    indicator_code TEXT NOT NULL,
    period         TEXT NOT NULL,
    text           TEXT NOT NULL,
    author         TEXT NOT NULL,
    author_role    TEXT NOT NULL,
    written_at     TIMESTAMP NOT NULL
);

-- Composite indices (data/catalog/indices/*.yaml, etl/indices.py) -----------------------

CREATE TABLE IF NOT EXISTS index_versions (
    index_code  TEXT NOT NULL,          -- '766', 'dti'
    version     TEXT NOT NULL,          -- '2022'
    name_vi     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    cadence     TEXT NOT NULL,          -- week | month | quarter | year
    continuous  BOOLEAN NOT NULL,       -- computed continuously: scores are shown as of a date
    valid_from  DATE NOT NULL,
    valid_to    DATE NOT NULL,
    max_score   DOUBLE,                 -- NULL: no cited figure yet, the province fills it in
    source      TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS index_groups (
    index_code  TEXT NOT NULL,
    version     TEXT NOT NULL,
    group_code  TEXT NOT NULL,
    name_vi     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    max_score   DOUBLE,
    sort_order  INTEGER NOT NULL,
    source      TEXT
);

CREATE TABLE IF NOT EXISTS index_criteria (
    index_code     TEXT NOT NULL,
    version        TEXT NOT NULL,
    group_code     TEXT NOT NULL,
    criterion_code TEXT NOT NULL,
    name_vi        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    max_score      DOUBLE,
    rule_kind      TEXT NOT NULL CHECK (rule_kind IN ('linear', 'steps', 'yes_no', 'reported')),
    indicator_code TEXT,                -- the ratio a linear or steps rule reads, when govkpi holds it
    evidence       TEXT NOT NULL,       -- tài liệu kiểm chứng
    verifier       TEXT NOT NULL,       -- the unit that verifies it
    sort_order     INTEGER NOT NULL,
    source         TEXT
);

CREATE TABLE IF NOT EXISTS index_grade_bands (
    index_code TEXT NOT NULL,
    version    TEXT NOT NULL,
    grade      TEXT NOT NULL,           -- Xuất sắc, Tốt, Khá, Trung bình, Yếu
    grade_en   TEXT NOT NULL,
    min_score  DOUBLE,                  -- NULL: no cited threshold yet, the province fills it in
    sort_order INTEGER NOT NULL         -- 1 = the highest grade
);

-- The thresholds a criterion's ratio is scored by (etl/indices.py install_indices): the steps
-- of a `steps` rule, the one step of a `yes_no` rule read from a ratio (yes = the full score),
-- then the share below every step (is_else). at_least NULL on a step: not set yet, the
-- criterion is not computed.
CREATE TABLE IF NOT EXISTS index_criterion_steps (
    index_code     TEXT NOT NULL,
    version        TEXT NOT NULL,
    group_code     TEXT NOT NULL,
    criterion_code TEXT NOT NULL,
    step_order     INTEGER NOT NULL,    -- 1 = the highest step; the else row comes last
    at_least       DOUBLE,              -- the ratio (a fraction) from which the step holds
    share          DOUBLE NOT NULL,     -- the share of the criterion's maximum it gives
    is_else        BOOLEAN NOT NULL,
    source         TEXT                 -- the criterion's text, or "do tỉnh điền: …" for a province-set threshold
);

-- The province's own figures, where no cited text gives one (`govkpi index-settings FILE`,
-- etl/indices.py install_index_settings): who set each, from which file and entry, and when.
CREATE TABLE IF NOT EXISTS index_settings (
    index_code TEXT NOT NULL,
    version    TEXT NOT NULL,
    target     TEXT NOT NULL CHECK (target IN ('version', 'group', 'criterion', 'step', 'grade')),
    code       TEXT,                    -- the group's or criterion's code, or the grade's name
    step       INTEGER,                 -- the step's number (target 'step'), 1 = the highest
    value      DOUBLE NOT NULL,
    set_by     TEXT NOT NULL,
    file_name  TEXT NOT NULL,
    entry      INTEGER NOT NULL,        -- its number in the file's list
    set_at     TIMESTAMP NOT NULL
);

-- One row per score cell loaded: a group's score, or the total (group_code NULL). The current
-- score of a unit and period is the one from its latest accepted submission.
CREATE TABLE IF NOT EXISTS index_score_values (
    submission_id   INTEGER NOT NULL,
    index_code      TEXT NOT NULL,
    version         TEXT NOT NULL,
    period          TEXT NOT NULL,      -- 2023M10, 2026W44, 2025 ...
    previous_period TEXT NOT NULL,      -- the period of the same kind before it: rank change
    unit_key        TEXT NOT NULL,
    group_code      TEXT,
    score           DOUBLE NOT NULL,
    as_of           DATE NOT NULL,      -- the day the score stood at (the table's date, else the period's end)
    sheet           TEXT,
    cell            TEXT
);
