-- Reads of a plan check first whether any planned workout is already past (to mark it
-- missed). Only workouts still planned are in this index, so the check reads almost nothing.
CREATE INDEX scheduled_workouts_planned_idx ON scheduled_workouts (user_id, date) WHERE state = 'planned';

-- Expiring proposals whose time is up, server-wide, reads only those.
CREATE INDEX proposals_expiry_idx ON proposals (expires_at) WHERE state = 'pending';
