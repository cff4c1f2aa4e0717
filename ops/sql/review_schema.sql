-- Review, period locks, comments on values and the audit trail (issue 12), in the ops file:
-- web workers write them at once, each together with its audit row in one transaction; the
-- one writer copies the first three into the warehouse by `seq` (etl/review_sync.py), so none
-- is applied twice and a killed writer catches up. Every table here only grows: a decision, a
-- lock or a comment is never edited, a later row says what holds now.

CREATE TABLE IF NOT EXISTS review_decisions (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    submission_id INTEGER NOT NULL,
    decision      TEXT NOT NULL CHECK (decision IN ('accept', 'send_back')),
    comment       TEXT,
    actor         TEXT NOT NULL,
    role          TEXT NOT NULL,
    address       TEXT,
    at            TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS period_locks (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    period   TEXT NOT NULL,
    action   TEXT NOT NULL CHECK (action IN ('lock', 'unlock')),
    reason   TEXT,
    contacts TEXT,               -- who can unlock (the admins when it was locked), for the refusal message
    actor    TEXT NOT NULL,
    role     TEXT NOT NULL,
    address  TEXT,
    at       TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS value_comments (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    unit_key       TEXT NOT NULL,
    indicator_code TEXT NOT NULL,
    period         TEXT NOT NULL,
    text           TEXT NOT NULL,  -- NFC
    actor          TEXT NOT NULL,
    role           TEXT NOT NULL,
    address        TEXT,
    at             TEXT NOT NULL
);

-- The audit trail: append-only. The triggers below refuse every UPDATE and DELETE, and no
-- statement of govkpi updates or deletes it (tests/test_review.py greps the repository).
CREATE TABLE IF NOT EXISTS audit_events (
    seq            INTEGER PRIMARY KEY AUTOINCREMENT,
    at             TEXT NOT NULL,
    actor          TEXT NOT NULL,
    role           TEXT,
    address        TEXT,
    action         TEXT NOT NULL,   -- upload, supersede, review_accept, review_send_back, lock, unlock,
                                    -- comment, user_add, user_remove, user_passwd, token_create, export
    unit_key       TEXT,
    period         TEXT,
    indicator_code TEXT,
    metric_code    TEXT,
    submission_id  INTEGER,
    detail         TEXT NOT NULL DEFAULT '{}'  -- JSON: what changed
);

CREATE INDEX IF NOT EXISTS audit_events_unit_period ON audit_events (unit_key, period);

CREATE TRIGGER IF NOT EXISTS audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: rows are never changed'); END;

CREATE TRIGGER IF NOT EXISTS audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only: rows are never deleted'); END;
