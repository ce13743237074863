-- Provenance: when the latest delivery of an activity was received (manual entries: when
-- logged). Activities stored before this migration take their last change as that time.
ALTER TABLE activities ADD COLUMN received_at timestamptz;
UPDATE activities SET received_at = updated_at;
ALTER TABLE activities ALTER COLUMN received_at SET NOT NULL;

-- Notices: to-dos a provider's plugin files for an athlete ("allow history sharing in
-- Garmin Connect"). One open notice per (athlete, source, kind): a newer one replaces it.
ALTER TABLE athlete_tasks DROP CONSTRAINT athlete_tasks_kind_check;
ALTER TABLE athlete_tasks ADD CONSTRAINT athlete_tasks_kind_check CHECK (kind IN ('rate_activity', 'notice'));
ALTER TABLE athlete_tasks ADD COLUMN source text;
ALTER TABLE athlete_tasks ADD COLUMN notice_kind text;
ALTER TABLE athlete_tasks ADD COLUMN message text;
CREATE UNIQUE INDEX athlete_tasks_notice_key ON athlete_tasks (user_id, source, notice_kind) WHERE kind = 'notice' AND done_at IS NULL;
