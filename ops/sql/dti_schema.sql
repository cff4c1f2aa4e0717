-- The province's DTI self-assessment (issue 13): values typed in by admins and reviewers,
-- evidence files, the verifying unit's sign-off and the national rank. Operational rows that web
-- workers write one at a time with their author and time, like review decisions, so they live in
-- the ops file and not in the one-writer warehouse. A later value or sign-off row says what holds
-- now; nothing is edited in place.

CREATE TABLE IF NOT EXISTS dti_values (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    year       INTEGER NOT NULL,
    item_code  TEXT NOT NULL,          -- a sub-index, or a main index when its version lists none
    value      REAL NOT NULL,
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS dti_evidence (
    evidence_id INTEGER PRIMARY KEY AUTOINCREMENT,
    year        INTEGER NOT NULL,
    item_code   TEXT NOT NULL,
    file_name   TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    size_bytes  INTEGER NOT NULL,
    stored_name TEXT NOT NULL,         -- <sha256><suffix> in the evidence folder beside the warehouse
    uploaded_by TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    UNIQUE (year, item_code, file_sha256)
);

CREATE TABLE IF NOT EXISTS dti_signoffs (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    year       INTEGER NOT NULL,
    item_code  TEXT NOT NULL,
    verifier   TEXT NOT NULL,          -- the verifying unit
    signed_by  TEXT NOT NULL,
    signed_at  TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS dti_ranks (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    year          INTEGER NOT NULL,
    national_rank INTEGER NOT NULL CHECK (national_rank >= 1),
    entered_by    TEXT NOT NULL,
    entered_at    TEXT NOT NULL
);
