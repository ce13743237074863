-- Stride foundation schema (PostgreSQL).
-- Conventions: ids are UUIDv7 (time-ordered); instants are timestamptz in UTC; calendar days
-- are `date` in the athlete's own time zone; enums are text with CHECK constraints so that
-- both backends share one vocabulary.

CREATE TABLE users (
    id                  uuid PRIMARY KEY,
    email               text NOT NULL,
    display_name        text NOT NULL,
    password_hash       text NOT NULL,
    role                text NOT NULL CHECK (role IN ('athlete', 'coach', 'admin', 'owner')),
    birth_date          date,
    sex                 text CHECK (sex IN ('female', 'male')),
    weight_kg           double precision,
    height_cm           double precision,
    time_zone           text NOT NULL DEFAULT 'UTC',
    units               text NOT NULL DEFAULT 'metric' CHECK (units IN ('metric', 'imperial')),
    notification_prefs  text NOT NULL DEFAULT '{}',
    disabled_at         timestamptz,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE athlete_baselines (
    user_id         uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    resting_hr      integer,
    hrv_ms          double precision,
    hrv_kind        text CHECK (hrv_kind IN ('rmssd', 'sdnn')),
    max_hr          integer,
    threshold_hr    integer,
    updated_at      timestamptz NOT NULL,
    CHECK ((hrv_ms IS NULL) = (hrv_kind IS NULL))
);

CREATE TABLE sessions (
    id              uuid PRIMARY KEY,
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash      bytea NOT NULL,
    -- Set when an admin acts as this user: the real actor for the audit log.
    impersonator_id uuid REFERENCES users (id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    revoked_at      timestamptz
);
CREATE UNIQUE INDEX sessions_token_hash_key ON sessions (token_hash);
CREATE INDEX sessions_user_idx ON sessions (user_id) WHERE revoked_at IS NULL;

CREATE TABLE invites (
    id              uuid PRIMARY KEY,
    token_hash      bytea NOT NULL,
    email           text,
    role            text NOT NULL CHECK (role IN ('athlete', 'coach', 'admin', 'owner')),
    created_by      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    used_at         timestamptz,
    used_by         uuid REFERENCES users (id) ON DELETE SET NULL,
    revoked_at      timestamptz
);
CREATE UNIQUE INDEX invites_token_hash_key ON invites (token_hash);

CREATE TABLE coach_grants (
    id              uuid PRIMARY KEY,
    athlete_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    coach_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    access          text NOT NULL CHECK (access IN ('read', 'read_write')),
    created_at      timestamptz NOT NULL,
    revoked_at      timestamptz,
    CHECK (athlete_id <> coach_id)
);
-- At most one live grant per pair; revoked grants stay as history.
CREATE UNIQUE INDEX coach_grants_live_key ON coach_grants (athlete_id, coach_id) WHERE revoked_at IS NULL;
CREATE INDEX coach_grants_coach_idx ON coach_grants (coach_id) WHERE revoked_at IS NULL;

CREATE TABLE activities (
    id                  uuid PRIMARY KEY,
    user_id             uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    source              text NOT NULL,
    external_id         text,
    sport               text NOT NULL,
    name                text NOT NULL,
    start_time          timestamptz NOT NULL,
    -- The calendar day the athlete did it, in their own time zone at that moment.
    local_date          date NOT NULL,
    utc_offset_s        integer NOT NULL,
    duration_s          bigint NOT NULL CHECK (duration_s > 0),
    moving_time_s       bigint CHECK (moving_time_s >= 0),
    distance_m          double precision CHECK (distance_m >= 0),
    elevation_gain_m    double precision CHECK (elevation_gain_m >= 0),
    avg_hr              integer,
    max_hr              integer,
    rpe                 integer CHECK (rpe BETWEEN 1 AND 10),
    feeling             integer CHECK (feeling BETWEEN 1 AND 5),
    notes               text,
    private             boolean NOT NULL DEFAULT false,
    load_rpe            double precision,
    load_trimp          double precision,
    -- How the loads were computed (method, coefficients, inputs): the receipts of the numbers.
    load_detail         text,
    has_samples         boolean NOT NULL DEFAULT false,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL
);
CREATE UNIQUE INDEX activities_source_external_key ON activities (source, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX activities_user_start_idx ON activities (user_id, start_time DESC, id DESC);
CREATE INDEX activities_user_date_idx ON activities (user_id, local_date);

-- Time series recorded during an activity, stored columnar (one array per channel).
CREATE TABLE activity_samples (
    activity_id     uuid PRIMARY KEY REFERENCES activities (id) ON DELETE CASCADE,
    samples         text NOT NULL
);

CREATE TABLE daily_metrics (
    id                  uuid PRIMARY KEY,
    user_id             uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    date                date NOT NULL,
    source              text NOT NULL,
    resting_hr          integer,
    hrv_ms              double precision,
    hrv_kind            text CHECK (hrv_kind IN ('rmssd', 'sdnn')),
    weight_kg           double precision,
    sleep_duration_min  integer,
    sleep_quality       integer CHECK (sleep_quality BETWEEN 1 AND 5),
    readiness           integer CHECK (readiness BETWEEN 1 AND 10),
    soreness            integer CHECK (soreness BETWEEN 1 AND 10),
    stress              integer CHECK (stress BETWEEN 1 AND 10),
    mood                integer CHECK (mood BETWEEN 1 AND 5),
    notes               text,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    CHECK ((hrv_ms IS NULL) = (hrv_kind IS NULL))
);
CREATE UNIQUE INDEX daily_metrics_user_date_source_key ON daily_metrics (user_id, date, source);
CREATE INDEX daily_metrics_user_date_idx ON daily_metrics (user_id, date DESC, id DESC);

CREATE TABLE training_plans (
    id                  uuid PRIMARY KEY,
    user_id             uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name                text NOT NULL,
    goal_race_name      text,
    goal_race_date      date NOT NULL,
    goal_distance_m     double precision NOT NULL CHECK (goal_distance_m > 0),
    start_date          date NOT NULL,
    -- Availability and phases as JSON documents owned by the domain layer.
    availability        text NOT NULL,
    phases              text NOT NULL,
    version             integer NOT NULL DEFAULT 1,
    status              text NOT NULL CHECK (status IN ('active', 'archived')),
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL
);
CREATE UNIQUE INDEX training_plans_one_active_key ON training_plans (user_id) WHERE status = 'active';

-- Every version a plan has had, with who changed it and why.
CREATE TABLE plan_versions (
    plan_id         uuid NOT NULL REFERENCES training_plans (id) ON DELETE CASCADE,
    version         integer NOT NULL,
    reason          text NOT NULL,
    actor_id        uuid REFERENCES users (id) ON DELETE SET NULL,
    snapshot        text NOT NULL,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (plan_id, version)
);

CREATE TABLE scheduled_workouts (
    id                  uuid PRIMARY KEY,
    plan_id             uuid NOT NULL REFERENCES training_plans (id) ON DELETE CASCADE,
    user_id             uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    date                date NOT NULL,
    kind                text NOT NULL,
    target_duration_s   integer,
    target_distance_m   double precision,
    intensity_zone      integer,
    description         text NOT NULL,
    state               text NOT NULL CHECK (state IN ('planned', 'completed', 'skipped', 'missed')),
    activity_id         uuid REFERENCES activities (id) ON DELETE SET NULL,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL
);
CREATE INDEX scheduled_workouts_user_date_idx ON scheduled_workouts (user_id, date);
CREATE INDEX scheduled_workouts_plan_idx ON scheduled_workouts (plan_id, date);

CREATE TABLE proposals (
    id                  uuid PRIMARY KEY,
    user_id             uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    plan_id             uuid REFERENCES training_plans (id) ON DELETE CASCADE,
    base_plan_version   integer,
    source_kind         text NOT NULL CHECK (source_kind IN ('rule', 'plugin', 'coach')),
    source_ref          text NOT NULL,
    source_version      text,
    kind                text NOT NULL,
    diff                text NOT NULL,
    receipts            text NOT NULL,
    reason              text NOT NULL,
    state               text NOT NULL CHECK (state IN ('pending', 'confirmed', 'applied', 'rejected', 'expired', 'superseded', 'stale')),
    expires_at          timestamptz NOT NULL,
    created_at          timestamptz NOT NULL,
    decided_at          timestamptz,
    decided_by          uuid REFERENCES users (id) ON DELETE SET NULL,
    applied_at          timestamptz
);
CREATE INDEX proposals_user_state_idx ON proposals (user_id, state, created_at DESC);

-- Append-only, hash-chained. `payload` is canonical JSON text so the verifier hashes exactly
-- the bytes that were written.
CREATE TABLE audit_log (
    seq             bigint PRIMARY KEY,
    id              uuid NOT NULL,
    at              timestamptz NOT NULL,
    actor_id        uuid,
    real_actor_id   uuid,
    action          text NOT NULL,
    target_kind     text NOT NULL,
    target_id       text,
    reason          text,
    payload         text NOT NULL,
    prev_hash       bytea NOT NULL,
    hash            bytea NOT NULL
);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, seq);
CREATE INDEX audit_log_target_idx ON audit_log (target_kind, target_id, seq);
CREATE INDEX audit_log_action_idx ON audit_log (action, seq);
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- The head of the chain: one row, updated under its row lock so appends serialize across
-- replicas.
CREATE TABLE audit_head (
    id      integer PRIMARY KEY CHECK (id = 1),
    seq     bigint NOT NULL,
    hash    bytea NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '\x0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE jobs (
    id              uuid PRIMARY KEY,
    kind            text NOT NULL,
    plugin_id       text,
    user_id         uuid REFERENCES users (id) ON DELETE CASCADE,
    payload         text NOT NULL,
    state           text NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
    priority        integer NOT NULL DEFAULT 0,
    attempts        integer NOT NULL DEFAULT 0,
    max_attempts    integer NOT NULL DEFAULT 8,
    run_at          timestamptz NOT NULL,
    locked_by       text,
    locked_until    timestamptz,
    last_error      text,
    -- Deferred is not failed: why the job waits, shown to the athlete.
    deferred_reason text,
    dedupe_key      text,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE UNIQUE INDEX jobs_dedupe_key ON jobs (dedupe_key) WHERE dedupe_key IS NOT NULL AND state IN ('queued', 'running');
CREATE INDEX jobs_ready_idx ON jobs (state, run_at, priority);

CREATE TABLE provider_connections (
    id                  uuid PRIMARY KEY,
    user_id             uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider            text NOT NULL,
    external_athlete_id text NOT NULL,
    scopes              text NOT NULL,
    -- AES-256-GCM ciphertexts (nonce || ciphertext || tag) and the id of the key used.
    access_token_enc    bytea,
    refresh_token_enc   bytea,
    key_id              text,
    expires_at          timestamptz,
    status              text NOT NULL CHECK (status IN ('active', 'revoked', 'error')),
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL
);
CREATE UNIQUE INDEX provider_connections_user_key ON provider_connections (user_id, provider);
CREATE UNIQUE INDEX provider_connections_external_key ON provider_connections (provider, external_athlete_id);

-- Key-value state a plugin keeps, scoped to the plugin and (optionally) one athlete; the
-- empty scope is the plugin's own.
CREATE TABLE plugin_kv (
    plugin_id       text NOT NULL,
    scope           text NOT NULL,
    key             text NOT NULL,
    value           bytea NOT NULL,
    updated_at      timestamptz NOT NULL,
    PRIMARY KEY (plugin_id, scope, key)
);

CREATE TABLE system_settings (
    key         text PRIMARY KEY,
    value       text NOT NULL,
    updated_at  timestamptz NOT NULL
);
