-- Plugin administration: which plugins an admin switched off, and recorded call failures.

CREATE TABLE plugin_states (
    plugin_id   TEXT PRIMARY KEY,
    enabled     INTEGER NOT NULL,
    reason      TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE plugin_failures (
    id          BLOB PRIMARY KEY,
    plugin_id   TEXT NOT NULL,
    version     TEXT NOT NULL,
    call        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    message     TEXT NOT NULL,
    backtrace   TEXT,
    at          TEXT NOT NULL
);
CREATE INDEX plugin_failures_plugin_idx ON plugin_failures (plugin_id, at DESC);
