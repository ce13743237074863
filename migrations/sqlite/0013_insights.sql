-- What works for me (issue #18): what athletes choose to log, the insights computed from it,
-- and the weekly digest.

-- Optional things an athlete logs about a day: life load and daily nutrition notes.
CREATE TABLE day_logs (
    user_id         BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    date            TEXT NOT NULL,
    work_stress     INTEGER CHECK (work_stress BETWEEN 1 AND 10),
    travel          INTEGER CHECK (travel IN (0, 1)),
    illness         INTEGER CHECK (illness IN (0, 1)),
    caffeine_mg     REAL CHECK (caffeine_mg BETWEEN 0 AND 2000),
    alcohol_units   REAL CHECK (alcohol_units BETWEEN 0 AND 50),
    nutrition_notes text,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (user_id, date)
);

-- Optional fuelling logged for one session.
CREATE TABLE session_logs (
    activity_id     BLOB PRIMARY KEY REFERENCES activities (id) ON DELETE CASCADE,
    user_id         BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    carbs_before_g  REAL CHECK (carbs_before_g BETWEEN 0 AND 500),
    carbs_during_g  REAL CHECK (carbs_during_g BETWEEN 0 AND 2000),
    caffeine_mg     REAL CHECK (caffeine_mg BETWEEN 0 AND 2000),
    fluid_ml        REAL CHECK (fluid_ml BETWEEN 0 AND 20000),
    notes           text,
    updated_at      TEXT NOT NULL
);
CREATE INDEX session_logs_user_idx ON session_logs (user_id);

-- Efficiency of a session with samples, computed once when its samples are stored.
ALTER TABLE activities ADD COLUMN efficiency_factor REAL;
ALTER TABLE activities ADD COLUMN decoupling_pct REAL;
-- 1 once computed (whatever the result), so old activities are filled in once.
ALTER TABLE activities ADD COLUMN efficiency_done INTEGER NOT NULL DEFAULT 0;

-- The newest insights of each athlete (stride_domain::insights::Insights as JSON).
CREATE TABLE insights (
    user_id      BLOB PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    computed_at  TEXT NOT NULL,
    findings     INTEGER NOT NULL,
    body         TEXT NOT NULL
);

-- When the weekly digest arrives (local weekday and hour) and the secret of its unsubscribe
-- link. Whether it is emailed at all is the profile's `notifications.weekly_summary`.
CREATE TABLE digest_settings (
    user_id           BLOB PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    weekday           INTEGER NOT NULL DEFAULT 1 CHECK (weekday BETWEEN 1 AND 7),
    hour              INTEGER NOT NULL DEFAULT 7 CHECK (hour BETWEEN 0 AND 23),
    -- The secret in the unsubscribe link (random; changed when the user changes settings).
    unsubscribe_token TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);
CREATE UNIQUE INDEX digest_settings_token_key ON digest_settings (unsubscribe_token);

-- One row per user and week: inserted with the job that sends it, so a week's digest is
-- queued once across restarts and replicas.
CREATE TABLE digest_sends (
    user_id      BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    week_start   TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('queued', 'sent', 'skipped', 'failed')),
    detail       text,
    created_at   TEXT NOT NULL,
    sent_at      TEXT,
    PRIMARY KEY (user_id, week_start)
);
