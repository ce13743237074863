-- Ingestion: durable jobs, webhook events recorded once, the shared rate budget, backfill
-- progress, rejected records and the athlete's to-do list.

-- A pending job may share its dedupe key only with jobs already running (a running job may
-- have read stale data; the queued one will read fresh).
DROP INDEX jobs_dedupe_key;
CREATE UNIQUE INDEX jobs_dedupe_key ON jobs (dedupe_key) WHERE dedupe_key IS NOT NULL AND state = 'queued';
ALTER TABLE jobs ADD COLUMN held boolean NOT NULL DEFAULT false;
CREATE INDEX jobs_claim_idx ON jobs (state, held, run_at) WHERE state IN ('queued', 'running');

-- Each webhook event, by the identity its plugin gives it, recorded once.
CREATE TABLE webhook_events (
    plugin_id   text NOT NULL,
    event_key   text NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (plugin_id, event_key)
);

-- A provider's application-wide usage per rate window, shared by every replica.
CREATE TABLE rate_windows (
    provider     text NOT NULL,
    budget       text NOT NULL,
    window_kind  text NOT NULL,
    window_start timestamptz NOT NULL,
    usage        integer NOT NULL,
    usage_limit  integer NOT NULL,
    updated_at   timestamptz NOT NULL,
    PRIMARY KEY (provider, budget, window_kind, window_start)
);

CREATE TABLE backfills (
    user_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider       text NOT NULL,
    run_id         uuid NOT NULL,
    status         text NOT NULL CHECK (status IN ('queued', 'running', 'deferred', 'held', 'done', 'failed')),
    pages_done     integer NOT NULL DEFAULT 0,
    items_done     integer NOT NULL DEFAULT 0,
    deferred_until timestamptz,
    note           text,
    started_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (user_id, provider)
);

-- Records a plugin delivered that validation refused, with the reason, for admins.
CREATE TABLE ingest_rejections (
    id          uuid PRIMARY KEY,
    plugin_id   text NOT NULL,
    user_id     uuid REFERENCES users (id) ON DELETE CASCADE,
    external_id text,
    reason      text NOT NULL,
    at          timestamptz NOT NULL
);
CREATE INDEX ingest_rejections_at_idx ON ingest_rejections (at DESC);

-- Things an athlete should do, e.g. rate an imported activity's effort.
CREATE TABLE athlete_tasks (
    id          uuid PRIMARY KEY,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('rate_activity')),
    activity_id uuid REFERENCES activities (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL,
    done_at     timestamptz
);
CREATE UNIQUE INDEX athlete_tasks_activity_key ON athlete_tasks (kind, activity_id);
CREATE INDEX athlete_tasks_open_idx ON athlete_tasks (user_id) WHERE done_at IS NULL;
