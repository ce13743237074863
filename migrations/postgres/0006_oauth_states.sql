-- OAuth connect links are single use: the nonce of each state that completed a callback is
-- kept until the link would have expired anyway, so a replayed callback URL is refused.
CREATE TABLE oauth_states_used (
    nonce      text PRIMARY KEY,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL,
    used_at    timestamptz NOT NULL
);
CREATE INDEX oauth_states_used_expires_idx ON oauth_states_used (expires_at);
