-- Ingestion (see postgres/0004_ingestion.sql).

DROP INDEX jobs_dedupe_key;
CREATE UNIQUE INDEX jobs_dedupe_key ON jobs (dedupe_key) WHERE dedupe_key IS NOT NULL AND state = 'queued';
ALTER TABLE jobs ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
CREATE INDEX jobs_claim_idx ON jobs (state, held, run_at) WHERE state IN ('queued', 'running');

CREATE TABLE webhook_events (
    plugin_id   TEXT NOT NULL,
    event_key   TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (plugin_id, event_key)
);

CREATE TABLE rate_windows (
    provider     TEXT NOT NULL,
    budget       TEXT NOT NULL,
    window_kind  TEXT NOT NULL,
    window_start TEXT NOT NULL,
    usage        INTEGER NOT NULL,
    usage_limit  INTEGER NOT NULL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (provider, budget, window_kind, window_start)
);

CREATE TABLE backfills (
    user_id        BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider       TEXT NOT NULL,
    run_id         BLOB NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('queued', 'running', 'deferred', 'held', 'done', 'failed')),
    pages_done     INTEGER NOT NULL DEFAULT 0,
    items_done     INTEGER NOT NULL DEFAULT 0,
    deferred_until TEXT,
    note           TEXT,
    started_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    PRIMARY KEY (user_id, provider)
);

CREATE TABLE ingest_rejections (
    id          BLOB PRIMARY KEY,
    plugin_id   TEXT NOT NULL,
    user_id     BLOB REFERENCES users (id) ON DELETE CASCADE,
    external_id TEXT,
    reason      TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX ingest_rejections_at_idx ON ingest_rejections (at DESC);

CREATE TABLE athlete_tasks (
    id          BLOB PRIMARY KEY,
    user_id     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('rate_activity')),
    activity_id BLOB REFERENCES activities (id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    done_at     TEXT
);
CREATE UNIQUE INDEX athlete_tasks_activity_key ON athlete_tasks (kind, activity_id);
CREATE INDEX athlete_tasks_open_idx ON athlete_tasks (user_id) WHERE done_at IS NULL;
