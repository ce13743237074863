-- Large file imports run as jobs (issue #14): the uploaded files are kept here, in pieces,
-- until the import has read them, so whichever replica claims the job can read them and a
-- replica that dies mid-import loses nothing.

CREATE TABLE file_imports (
    id            uuid PRIMARY KEY,
    user_id       uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    requested_by  uuid REFERENCES users (id) ON DELETE SET NULL,
    plugin        text NOT NULL,
    status        text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    -- [{"name": …, "content_type": …, "size": …}] in upload order.
    files         text NOT NULL,
    -- Where the import stands: the file being read and the plugin's cursor inside it.
    file_index    integer NOT NULL DEFAULT 0,
    cursor        text,
    items         integer NOT NULL DEFAULT 0,
    activities    integer NOT NULL DEFAULT 0,
    duplicates    integer NOT NULL DEFAULT 0,
    refused       integer NOT NULL DEFAULT 0,
    -- [{"item": …, "message": …}]
    problems      text NOT NULL DEFAULT '[]',
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL,
    finished_at   timestamptz
);
CREATE INDEX file_imports_user_idx ON file_imports (user_id, created_at);

CREATE TABLE file_import_chunks (
    import_id   uuid NOT NULL REFERENCES file_imports (id) ON DELETE CASCADE,
    file_index  integer NOT NULL,
    seq         integer NOT NULL,
    data        bytea NOT NULL,
    PRIMARY KEY (import_id, file_index, seq)
);
