-- Stride foundation schema (SQLite). Mirrors postgres/0001 with SQLite types.
-- Conventions: ids are UUIDv7 stored as 16-byte blobs (time-ordered); instants are RFC 3339
-- text in UTC; calendar days are YYYY-MM-DD text in the athlete's own time zone; enums are
-- text with CHECK constraints so that both backends share one vocabulary.

CREATE TABLE users (
    id                  BLOB PRIMARY KEY,
    email               TEXT NOT NULL,
    display_name        TEXT NOT NULL,
    password_hash       TEXT NOT NULL,
    role                TEXT NOT NULL CHECK (role IN ('athlete', 'coach', 'admin', 'owner')),
    birth_date          TEXT,
    sex                 TEXT CHECK (sex IN ('female', 'male')),
    weight_kg           REAL,
    height_cm           REAL,
    time_zone           TEXT NOT NULL DEFAULT 'UTC',
    units               TEXT NOT NULL DEFAULT 'metric' CHECK (units IN ('metric', 'imperial')),
    notification_prefs  TEXT NOT NULL DEFAULT '{}',
    disabled_at         TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE athlete_baselines (
    user_id         BLOB PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    resting_hr      INTEGER,
    hrv_ms          REAL,
    hrv_kind        TEXT CHECK (hrv_kind IN ('rmssd', 'sdnn')),
    max_hr          INTEGER,
    threshold_hr    INTEGER,
    updated_at      TEXT NOT NULL,
    CHECK ((hrv_ms IS NULL) = (hrv_kind IS NULL))
);

CREATE TABLE sessions (
    id              BLOB PRIMARY KEY,
    user_id         BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash      BLOB NOT NULL,
    -- Set when an admin acts as this user: the real actor for the audit log.
    impersonator_id BLOB REFERENCES users (id) ON DELETE CASCADE,
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    revoked_at      TEXT
);
CREATE UNIQUE INDEX sessions_token_hash_key ON sessions (token_hash);
CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE revoked_at IS NULL;

CREATE TABLE invites (
    id              BLOB PRIMARY KEY,
    token_hash      BLOB NOT NULL,
    email           text,
    role            TEXT NOT NULL CHECK (role IN ('athlete', 'coach', 'admin', 'owner')),
    created_by      BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    used_at         TEXT,
    used_by         BLOB REFERENCES users (id) ON DELETE SET NULL,
    revoked_at      TEXT
);
CREATE UNIQUE INDEX invites_token_hash_key ON invites (token_hash);

CREATE TABLE coach_grants (
    id              BLOB PRIMARY KEY,
    athlete_id      BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    coach_id        BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    access          TEXT NOT NULL CHECK (access IN ('read', 'read_write')),
    created_at      TEXT NOT NULL,
    revoked_at      TEXT,
    CHECK (athlete_id <> coach_id)
);
-- At most one live grant per pair; revoked grants stay as history.
CREATE UNIQUE INDEX coach_grants_live_key ON coach_grants (athlete_id, coach_id) WHERE revoked_at IS NULL;
CREATE INDEX coach_grants_coach_idx ON coach_grants (coach_id) WHERE revoked_at IS NULL;

CREATE TABLE activities (
    id                  BLOB PRIMARY KEY,
    user_id             BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source              TEXT NOT NULL,
    external_id         text,
    sport               TEXT NOT NULL,
    name                TEXT NOT NULL,
    start_time          TEXT NOT NULL,
    -- The calendar day the athlete did it, in their own time zone at that moment.
    local_date          TEXT NOT NULL,
    utc_offset_s        INTEGER NOT NULL,
    duration_s          INTEGER NOT NULL CHECK (duration_s > 0),
    moving_time_s       INTEGER CHECK (moving_time_s >= 0),
    distance_m          REAL CHECK (distance_m >= 0),
    elevation_gain_m    REAL CHECK (elevation_gain_m >= 0),
    avg_hr              INTEGER,
    max_hr              INTEGER,
    rpe                 INTEGER CHECK (rpe BETWEEN 1 AND 10),
    feeling             INTEGER CHECK (feeling BETWEEN 1 AND 5),
    notes               text,
    private             INTEGER NOT NULL DEFAULT 0,
    load_rpe            REAL,
    load_trimp          REAL,
    -- How the loads were computed (method, coefficients, inputs): the receipts of the numbers.
    load_detail         text,
    has_samples         INTEGER NOT NULL DEFAULT 0,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE UNIQUE INDEX activities_source_external_key ON activities (source, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX activities_user_start_idx ON activities (user_id, start_time DESC, id DESC);
CREATE INDEX activities_user_date_idx ON activities (user_id, local_date);

-- Time series recorded during an activity, stored columnar (one array per channel).
CREATE TABLE activity_samples (
    activity_id     BLOB PRIMARY KEY REFERENCES activities (id) ON DELETE CASCADE,
    samples         TEXT NOT NULL
);

CREATE TABLE daily_metrics (
    id                  BLOB PRIMARY KEY,
    user_id             BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    date                TEXT NOT NULL,
    source              TEXT NOT NULL,
    resting_hr          INTEGER,
    hrv_ms              REAL,
    hrv_kind            TEXT CHECK (hrv_kind IN ('rmssd', 'sdnn')),
    weight_kg           REAL,
    sleep_duration_min  INTEGER,
    sleep_quality       INTEGER CHECK (sleep_quality BETWEEN 1 AND 5),
    readiness           INTEGER CHECK (readiness BETWEEN 1 AND 10),
    soreness            INTEGER CHECK (soreness BETWEEN 1 AND 10),
    stress              INTEGER CHECK (stress BETWEEN 1 AND 10),
    mood                INTEGER CHECK (mood BETWEEN 1 AND 5),
    notes               text,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    CHECK ((hrv_ms IS NULL) = (hrv_kind IS NULL))
);
CREATE UNIQUE INDEX daily_metrics_user_date_source_key ON daily_metrics (user_id, date, source);
CREATE INDEX daily_metrics_user_date_idx ON daily_metrics (user_id, date DESC, id DESC);

CREATE TABLE training_plans (
    id                  BLOB PRIMARY KEY,
    user_id             BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name                TEXT NOT NULL,
    goal_race_name      text,
    goal_race_date      TEXT NOT NULL,
    goal_distance_m     REAL NOT NULL CHECK (goal_distance_m > 0),
    start_date          TEXT NOT NULL,
    -- Availability and phases as JSON documents owned by the domain layer.
    availability        TEXT NOT NULL,
    phases              TEXT NOT NULL,
    version             INTEGER NOT NULL DEFAULT 1,
    status              TEXT NOT NULL CHECK (status IN ('active', 'archived')),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE UNIQUE INDEX training_plans_one_active_key ON training_plans (user_id) WHERE status = 'active';

-- Every version a plan has had, with who changed it and why.
CREATE TABLE plan_versions (
    plan_id         BLOB NOT NULL REFERENCES training_plans (id) ON DELETE CASCADE,
    version         INTEGER NOT NULL,
    reason          TEXT NOT NULL,
    actor_id        BLOB REFERENCES users (id) ON DELETE SET NULL,
    snapshot        TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    PRIMARY KEY (plan_id, version)
);

CREATE TABLE scheduled_workouts (
    id                  BLOB PRIMARY KEY,
    plan_id             BLOB NOT NULL REFERENCES training_plans (id) ON DELETE CASCADE,
    user_id             BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    date                TEXT NOT NULL,
    kind                TEXT NOT NULL,
    target_duration_s   INTEGER,
    target_distance_m   REAL,
    intensity_zone      INTEGER,
    description         TEXT NOT NULL,
    state               TEXT NOT NULL CHECK (state IN ('planned', 'completed', 'skipped', 'missed')),
    activity_id         BLOB REFERENCES activities (id) ON DELETE SET NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX scheduled_workouts_user_date_idx ON scheduled_workouts (user_id, date);
CREATE INDEX scheduled_workouts_plan_idx ON scheduled_workouts (plan_id, date);

CREATE TABLE proposals (
    id                  BLOB PRIMARY KEY,
    user_id             BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    plan_id             BLOB REFERENCES training_plans (id) ON DELETE CASCADE,
    base_plan_version   INTEGER,
    source_kind         TEXT NOT NULL CHECK (source_kind IN ('rule', 'plugin', 'coach')),
    source_ref          TEXT NOT NULL,
    source_version      text,
    kind                TEXT NOT NULL,
    diff                TEXT NOT NULL,
    receipts            TEXT NOT NULL,
    reason              TEXT NOT NULL,
    state               TEXT NOT NULL CHECK (state IN ('pending', 'confirmed', 'applied', 'rejected', 'expired', 'superseded', 'stale')),
    expires_at          TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    decided_at          TEXT,
    decided_by          BLOB REFERENCES users (id) ON DELETE SET NULL,
    applied_at          TEXT
);
CREATE INDEX proposals_user_state_idx ON proposals (user_id, state, created_at DESC);

-- Append-only, hash-chained. `payload` is canonical JSON TEXT so the verifier hashes exactly
-- the bytes that were written.
CREATE TABLE audit_log (
    seq             INTEGER PRIMARY KEY,
    id              BLOB NOT NULL,
    at              TEXT NOT NULL,
    actor_id        BLOB,
    real_actor_id   BLOB,
    action          TEXT NOT NULL,
    target_kind     TEXT NOT NULL,
    target_id       text,
    reason          text,
    payload         TEXT NOT NULL,
    prev_hash       BLOB NOT NULL,
    hash            BLOB NOT NULL
);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, seq);
CREATE INDEX audit_log_target_idx ON audit_log (target_kind, target_id, seq);
CREATE INDEX audit_log_action_idx ON audit_log (action, seq);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- The head of the chain: one row, updated under its row lock so appends serialize across
-- replicas.
CREATE TABLE audit_head (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    seq     INTEGER NOT NULL,
    hash    BLOB NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, zeroblob(32));

CREATE TABLE jobs (
    id              BLOB PRIMARY KEY,
    kind            TEXT NOT NULL,
    plugin_id       text,
    user_id         BLOB REFERENCES users (id) ON DELETE CASCADE,
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
    priority        INTEGER NOT NULL DEFAULT 0,
    attempts        INTEGER NOT NULL DEFAULT 0,
    max_attempts    INTEGER NOT NULL DEFAULT 8,
    run_at          TEXT NOT NULL,
    locked_by       text,
    locked_until    TEXT,
    last_error      text,
    -- Deferred is not failed: why the job waits, shown to the athlete.
    deferred_reason text,
    dedupe_key      text,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX jobs_dedupe_key ON jobs (dedupe_key) WHERE dedupe_key IS NOT NULL AND state IN ('queued', 'running');
CREATE INDEX jobs_ready_idx ON jobs (state, run_at, priority);

CREATE TABLE provider_connections (
    id                  BLOB PRIMARY KEY,
    user_id             BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider            TEXT NOT NULL,
    external_athlete_id TEXT NOT NULL,
    scopes              TEXT NOT NULL,
    -- AES-256-GCM ciphertexts (nonce || ciphertext || tag) and the id of the key used.
    access_token_enc    BLOB,
    refresh_token_enc   BLOB,
    key_id              text,
    expires_at          TEXT,
    status              TEXT NOT NULL CHECK (status IN ('active', 'revoked', 'error')),
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE UNIQUE INDEX provider_connections_user_key ON provider_connections (user_id, provider);
CREATE UNIQUE INDEX provider_connections_external_key ON provider_connections (provider, external_athlete_id);

-- Key-value state a plugin keeps, scoped to the plugin and (optionally) one athlete; the
-- empty scope is the plugin's own.
CREATE TABLE plugin_kv (
    plugin_id       TEXT NOT NULL,
    scope           TEXT NOT NULL,
    key             TEXT NOT NULL,
    value           BLOB NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (plugin_id, scope, key)
);

CREATE TABLE system_settings (
    key         TEXT PRIMARY KEY,
    value       TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
