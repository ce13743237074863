-- OAuth connect links are single use (see postgres/0006_oauth_states.sql).
CREATE TABLE oauth_states_used (
    nonce      TEXT PRIMARY KEY,
    user_id    BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TEXT NOT NULL,
    used_at    TEXT NOT NULL
);
CREATE INDEX oauth_states_used_expires_idx ON oauth_states_used (expires_at);
