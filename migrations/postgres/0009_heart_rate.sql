-- Heart rate is kept as precise as its source gives it (Strava's 156.3 stays 156.3).
ALTER TABLE activities ALTER COLUMN avg_hr TYPE double precision;
ALTER TABLE activities ALTER COLUMN max_hr TYPE double precision;
