-- The audit chain's head is signed (HMAC-SHA256 with a key kept outside the database), and
-- signed checkpoints are kept, so a rewritten or truncated chain cannot be passed off as
-- intact by someone who only has the database.
ALTER TABLE audit_head ADD COLUMN signature BLOB;
ALTER TABLE audit_head ADD COLUMN key_id TEXT;
CREATE TABLE audit_checkpoints (
    seq         INTEGER PRIMARY KEY,
    hash        BLOB NOT NULL,
    signature   BLOB NOT NULL,
    key_id      TEXT NOT NULL,
    at          TEXT NOT NULL
);

-- Sessions idle out, and their owner can see where they are used.
ALTER TABLE sessions ADD COLUMN last_used_at TEXT;
UPDATE sessions SET last_used_at = created_at;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
ALTER TABLE sessions ADD COLUMN client_address TEXT;

-- Failed logins, per account and per client address, shared by every replica.
CREATE TABLE login_throttle (
    key             TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL,
    last_failure    TEXT NOT NULL,
    locked_until    TEXT
);
