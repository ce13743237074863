-- Device data beyond the daily values: sleep stages, device stress, steps… (JSON, shown but
-- not queried).
ALTER TABLE daily_metrics ADD COLUMN detail TEXT;

-- Single timestamped measurements (a relay re-sends the same points again and again: one row
-- per source, measure and instant). Each day's values are derived from that day's points.
CREATE TABLE measurements (
    user_id     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source      TEXT NOT NULL,
    measure     TEXT NOT NULL,
    at          TEXT NOT NULL,
    local_date  TEXT NOT NULL,
    value       REAL NOT NULL,
    hrv_kind    TEXT CHECK (hrv_kind IN ('rmssd', 'sdnn')),
    device      TEXT,
    received_at TEXT NOT NULL,
    PRIMARY KEY (user_id, source, measure, at)
);
CREATE INDEX measurements_day_idx ON measurements (user_id, source, local_date);

-- What the source said about an activity beyond the common fields.
ALTER TABLE activities ADD COLUMN sport_detail TEXT;
ALTER TABLE activities ADD COLUMN device TEXT;
ALTER TABLE activities ADD COLUMN parent_external_id TEXT;
ALTER TABLE activities ADD COLUMN avg_power_w REAL;
ALTER TABLE activities ADD COLUMN avg_cadence REAL;
ALTER TABLE activities ADD COLUMN energy_kcal REAL;
ALTER TABLE activities ADD COLUMN laps TEXT;

-- One workout from several sources is one activity: the other copies point at the primary,
-- the only one counted in load, stats and plan matching.
ALTER TABLE activities ADD COLUMN duplicate_of BLOB REFERENCES activities (id) ON DELETE SET NULL;
CREATE INDEX activities_duplicate_idx ON activities (duplicate_of) WHERE duplicate_of IS NOT NULL;
-- Pairs an athlete split apart: never matched again.
CREATE TABLE activity_match_exclusions (
    user_id     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    first_id    BLOB NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    second_id   BLOB NOT NULL REFERENCES activities (id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (first_id, second_id)
);

-- An external id is unique per athlete and source (two athletes may import the same file).
DROP INDEX activities_source_external_key;
CREATE UNIQUE INDEX activities_user_source_external_key ON activities (user_id, source, external_id) WHERE external_id IS NOT NULL;

-- Relay tokens: an athlete pastes one into a phone app (Health Auto Export) that posts their
-- data to /relay/{plugin}. Only the token's SHA-256 is kept; it is shown once.
CREATE TABLE relay_tokens (
    id           BLOB PRIMARY KEY,
    user_id      BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    plugin       TEXT NOT NULL,
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT,
    revoked_at   TEXT
);
CREATE INDEX relay_tokens_user_idx ON relay_tokens (user_id);
