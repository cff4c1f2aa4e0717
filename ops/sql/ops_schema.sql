-- The operational state beside the warehouse (data/warehouse.ops.sqlite): accounts, API tokens,
-- failed logins, the server's secret. SQLite, not DuckDB: many web workers write small rows here,
-- while the warehouse has one writer. Every statement is idempotent (run at each open).

CREATE TABLE IF NOT EXISTS settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS users (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'reviewer', 'viewer', 'reporter')),
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- A reporter's units, by unit_key (unique across eras, unlike the GSO unit_code).
CREATE TABLE IF NOT EXISTS user_units (
    name     TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    unit_key TEXT NOT NULL,
    PRIMARY KEY (name, unit_key)
);

-- Only the sha256 of a token is kept: a copy of this file does not give API access.
CREATE TABLE IF NOT EXISTS tokens (
    token_sha256 TEXT PRIMARY KEY,
    name         TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    last_used_at TEXT
);

-- Failed logins per account, shared by every worker process (flask-limiter's per-address
-- counter lives in each worker's memory).
CREATE TABLE IF NOT EXISTS login_failures (
    name         TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL DEFAULT 0,
    locked_until REAL
);
