-- Reads of a plan check first whether any planned workout is already past (to mark it
-- missed). Only workouts still planned, rest days aside, are in this index (a past rest day
-- stays planned for ever), so the check reads almost nothing.
CREATE INDEX scheduled_workouts_planned_idx ON scheduled_workouts (user_id, date) WHERE state = 'planned' AND kind <> 'rest';

-- Expiring proposals whose time is up, server-wide, reads only those.
CREATE INDEX proposals_expiry_idx ON proposals (expires_at) WHERE state = 'pending';
