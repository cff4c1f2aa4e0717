-- The upload queue: operational state, kept in SQLite beside the warehouse (never in DuckDB,
-- which has one writing process). Web workers and `govkpi load` insert rows, and the one writer
-- takes them, loads them and writes each file's result back on its row.
PRAGMA journal_mode = WAL;

CREATE TABLE IF NOT EXISTS upload_jobs (
    job_id        INTEGER PRIMARY KEY AUTOINCREMENT,
    file_path     TEXT NOT NULL,      -- the stored copy: uploads/<sha256>.xlsx
    file_name     TEXT NOT NULL,      -- the name the sender gave (a base name only), shown in reports
    file_sha256   TEXT NOT NULL,
    submitted_by  TEXT NOT NULL,
    unit_hint     TEXT,               -- the unit the sender said it is for (checked by the upload page)
    period        TEXT,               -- as `govkpi load --period`, when the sheet does not say
    submitted     TEXT,               -- YYYY-MM-DD, as `govkpi load --submitted`
    province      TEXT,               -- as `govkpi load --province`
    allowed_units TEXT,               -- JSON list of the unit_keys a reporter may send (NULL: any unit)
    enqueued_at   TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'loading', 'done')),
    started_at    TEXT,
    finished_at   TEXT,
    status        TEXT CHECK (status IN ('accepted', 'rejected', 'duplicate', 'forbidden', 'failed')),
    submission_id INTEGER,
    result_json   TEXT,               -- {"file", "status", "units", "values", "problems": [...]}
    published_at  TEXT                -- when a read snapshot holding this load was swapped in
);

CREATE INDEX IF NOT EXISTS upload_jobs_state ON upload_jobs (state, job_id);
