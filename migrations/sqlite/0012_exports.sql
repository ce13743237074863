-- Athletes' data exports (issue #17): one row per requested archive, the archive itself in
-- chunks beside it, so any replica can serve a download. Both go with the user.

CREATE TABLE data_exports (
    id            BLOB PRIMARY KEY,
    user_id       BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    requested_by  BLOB REFERENCES users (id) ON DELETE SET NULL,
    state         TEXT NOT NULL CHECK (state IN ('queued', 'running', 'ready', 'failed', 'expired')),
    steps_done    INTEGER NOT NULL DEFAULT 0,
    steps_total   INTEGER NOT NULL DEFAULT 0,
    size_bytes    INTEGER,
    error         TEXT,
    -- The build that may write it: a build whose lease ran out and was taken over stops.
    run_id        BLOB,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    finished_at   TEXT,
    expires_at    TEXT NOT NULL
);
CREATE INDEX data_exports_user_idx ON data_exports (user_id, created_at DESC);
-- One export per account is prepared at a time.
CREATE UNIQUE INDEX data_exports_one_live_key ON data_exports (user_id) WHERE state IN ('queued', 'running');
CREATE INDEX data_exports_expires_idx ON data_exports (expires_at) WHERE state <> 'expired';

CREATE TABLE data_export_chunks (
    export_id   BLOB NOT NULL REFERENCES data_exports (id) ON DELETE CASCADE,
    seq         INTEGER NOT NULL,
    bytes       BLOB NOT NULL,
    PRIMARY KEY (export_id, seq)
);
