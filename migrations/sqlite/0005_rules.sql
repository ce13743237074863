-- Coach-editable rules (see postgres/0005_rules.sql).

CREATE TABLE rules (
    id              BLOB PRIMARY KEY,
    name            TEXT NOT NULL,
    scope_kind      TEXT NOT NULL CHECK (scope_kind IN ('athlete', 'team')),
    scope_id        BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    active_version  INTEGER,
    created_by      BLOB REFERENCES users (id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX rules_scope_name_key ON rules (scope_kind, scope_id, name);

CREATE TABLE rule_versions (
    rule_id     BLOB NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    source      TEXT NOT NULL,
    fixtures    TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('active', 'retired', 'rejected')),
    report      TEXT NOT NULL,
    created_by  BLOB REFERENCES users (id) ON DELETE SET NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (rule_id, version)
);

CREATE TABLE rule_failures (
    id          BLOB PRIMARY KEY,
    user_id     BLOB REFERENCES users (id) ON DELETE CASCADE,
    rule        TEXT NOT NULL,
    version     TEXT NOT NULL,
    error       TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX rule_failures_at_idx ON rule_failures (at DESC);

CREATE TABLE nightly_runs (
    user_id     BLOB NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    date        TEXT NOT NULL,
    at          TEXT NOT NULL,
    PRIMARY KEY (user_id, date)
);

ALTER TABLE proposals ADD COLUMN target TEXT;
ALTER TABLE proposals ADD COLUMN decision_reason TEXT;
CREATE INDEX proposals_pending_idx ON proposals (user_id, source_ref, target) WHERE state = 'pending';
