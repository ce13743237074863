-- Provenance: when the latest delivery of an activity was received (manual entries: when
-- logged). Activities stored before this migration take their last change as that time.
ALTER TABLE activities ADD COLUMN received_at TEXT;
UPDATE activities SET received_at = updated_at;

-- Notices: to-dos a provider's plugin files for an athlete. SQLite cannot change a CHECK
-- constraint in place, so the table is rebuilt.
CREATE TABLE athlete_tasks_new (
    id          BLOB PRIMARY KEY,
    user_id     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('rate_activity', 'notice')),
    activity_id BLOB REFERENCES activities (id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    done_at     TEXT,
    source      TEXT,
    notice_kind TEXT,
    message     TEXT
);
INSERT INTO athlete_tasks_new (id, user_id, kind, activity_id, created_at, done_at)
    SELECT id, user_id, kind, activity_id, created_at, done_at FROM athlete_tasks;
DROP TABLE athlete_tasks;
ALTER TABLE athlete_tasks_new RENAME TO athlete_tasks;
CREATE UNIQUE INDEX athlete_tasks_activity_key ON athlete_tasks (kind, activity_id);
CREATE INDEX athlete_tasks_open_idx ON athlete_tasks (user_id) WHERE done_at IS NULL;
CREATE UNIQUE INDEX athlete_tasks_notice_key ON athlete_tasks (user_id, source, notice_kind) WHERE kind = 'notice' AND done_at IS NULL;
