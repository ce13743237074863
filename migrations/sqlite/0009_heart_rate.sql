-- Heart rate is kept as precise as its source gives it (Strava's 156.3 stays 156.3). SQLite
-- cannot change a column's type in place: new REAL columns take the values and the names.
ALTER TABLE activities ADD COLUMN avg_hr_bpm REAL;
ALTER TABLE activities ADD COLUMN max_hr_bpm REAL;
UPDATE activities SET avg_hr_bpm = avg_hr, max_hr_bpm = max_hr;
ALTER TABLE activities DROP COLUMN avg_hr;
ALTER TABLE activities DROP COLUMN max_hr;
ALTER TABLE activities RENAME COLUMN avg_hr_bpm TO avg_hr;
ALTER TABLE activities RENAME COLUMN max_hr_bpm TO max_hr;
