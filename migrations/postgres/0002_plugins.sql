-- Plugin administration: which plugins an admin switched off, and recorded call failures.
-- Shared by every replica so admins see one picture.

CREATE TABLE plugin_states (
    plugin_id   text PRIMARY KEY,
    enabled     boolean NOT NULL,
    reason      text NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE TABLE plugin_failures (
    id          uuid PRIMARY KEY,
    plugin_id   text NOT NULL,
    version     text NOT NULL,
    call        text NOT NULL,
    kind        text NOT NULL,
    message     text NOT NULL,
    backtrace   text,
    at          timestamptz NOT NULL
);
CREATE INDEX plugin_failures_plugin_idx ON plugin_failures (plugin_id, at DESC);
