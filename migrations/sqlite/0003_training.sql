-- Rolling stats per athlete per day (see postgres/0003_training.sql).
CREATE TABLE daily_stats (
    user_id         BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    date            TEXT NOT NULL,
    load            REAL NOT NULL,
    acute           REAL NOT NULL,
    chronic         REAL NOT NULL,
    acwr            REAL,
    tsb             REAL NOT NULL,
    monotony        REAL,
    monotony_capped INTEGER NOT NULL,
    weekly_load     REAL NOT NULL,
    strain          REAL,
    history_days    INTEGER NOT NULL,
    warming_up      INTEGER NOT NULL,
    PRIMARY KEY (user_id, date)
);

ALTER TABLE training_plans ADD COLUMN request TEXT NOT NULL DEFAULT '{}';
ALTER TABLE scheduled_workouts ADD COLUMN plan_version INTEGER NOT NULL DEFAULT 1;
CREATE UNIQUE INDEX scheduled_workouts_activity_key ON scheduled_workouts (activity_id) WHERE activity_id IS NOT NULL;
