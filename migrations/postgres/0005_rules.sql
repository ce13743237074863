-- Coach-editable rules (every version kept), rule failures, and the nightly check's ledger.

CREATE TABLE rules (
    id              uuid PRIMARY KEY,
    name            text NOT NULL,
    -- 'athlete': one athlete's rule; 'team': every athlete who gave its coach read-write access.
    scope_kind      text NOT NULL CHECK (scope_kind IN ('athlete', 'team')),
    scope_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    active_version  integer,
    created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);
CREATE UNIQUE INDEX rules_scope_name_key ON rules (scope_kind, scope_id, name);

CREATE TABLE rule_versions (
    rule_id     uuid NOT NULL REFERENCES rules (id) ON DELETE CASCADE,
    version     integer NOT NULL,
    source      text NOT NULL,
    fixtures    text NOT NULL,
    status      text NOT NULL CHECK (status IN ('active', 'retired', 'rejected')),
    report      text NOT NULL,
    created_by  uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (rule_id, version)
);

-- A rule that failed while evaluating an athlete (recorded, skipped, never blocking others).
CREATE TABLE rule_failures (
    id          uuid PRIMARY KEY,
    user_id     uuid REFERENCES users (id) ON DELETE CASCADE,
    rule        text NOT NULL,
    version     text NOT NULL,
    error       text NOT NULL,
    at          timestamptz NOT NULL
);
CREATE INDEX rule_failures_at_idx ON rule_failures (at DESC);

-- One nightly check per athlete per local day, whichever replica gets there first.
CREATE TABLE nightly_runs (
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    date        date NOT NULL,
    at          timestamptz NOT NULL,
    PRIMARY KEY (user_id, date)
);

ALTER TABLE proposals ADD COLUMN target text;
ALTER TABLE proposals ADD COLUMN decision_reason text;
CREATE INDEX proposals_pending_idx ON proposals (user_id, source_ref, target) WHERE state = 'pending';
