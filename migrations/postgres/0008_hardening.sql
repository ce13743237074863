-- The audit chain's head is signed (HMAC-SHA256 with a key kept outside the database), and
-- signed checkpoints are kept, so a rewritten or truncated chain cannot be passed off as
-- intact by someone who only has the database.
ALTER TABLE audit_head ADD COLUMN signature bytea;
ALTER TABLE audit_head ADD COLUMN key_id text;
CREATE TABLE audit_checkpoints (
    seq         bigint PRIMARY KEY,
    hash        bytea NOT NULL,
    signature   bytea NOT NULL,
    key_id      text NOT NULL,
    at          timestamptz NOT NULL
);

-- Sessions idle out, and their owner can see where they are used.
ALTER TABLE sessions ADD COLUMN last_used_at timestamptz;
UPDATE sessions SET last_used_at = created_at;
ALTER TABLE sessions ALTER COLUMN last_used_at SET NOT NULL;
ALTER TABLE sessions ADD COLUMN user_agent text;
ALTER TABLE sessions ADD COLUMN client_address text;

-- Failed logins, per account and per client address, shared by every replica: after a few
-- failures the key is locked for a while that doubles with each further failure.
CREATE TABLE login_throttle (
    key             text PRIMARY KEY,
    failures        integer NOT NULL,
    last_failure    timestamptz NOT NULL,
    locked_until    timestamptz
);
