-- Rolling stats per athlete per day, kept current incrementally: a change dated D recomputes
-- D onward from the stored day before it. Days after the last stored day (rest days up to
-- today) are derived on read.
CREATE TABLE daily_stats (
    user_id         uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    date            date NOT NULL,
    load            double precision NOT NULL,
    acute           double precision NOT NULL,
    chronic         double precision NOT NULL,
    acwr            double precision,
    tsb             double precision NOT NULL,
    monotony        double precision,
    monotony_capped boolean NOT NULL,
    weekly_load     double precision NOT NULL,
    strain          double precision,
    history_days    integer NOT NULL,
    warming_up      boolean NOT NULL,
    PRIMARY KEY (user_id, date)
);

-- The whole generated plan (phases and weeks) as the domain's JSON, per version.
ALTER TABLE training_plans ADD COLUMN request text NOT NULL DEFAULT '{}';
ALTER TABLE scheduled_workouts ADD COLUMN plan_version integer NOT NULL DEFAULT 1;
CREATE UNIQUE INDEX scheduled_workouts_activity_key ON scheduled_workouts (activity_id) WHERE activity_id IS NOT NULL;
