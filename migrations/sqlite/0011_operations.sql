-- Operating Stride: impersonation, explicit permissions and erasure.

-- Why an admin acts as this user (an impersonation session); shown in every response.
ALTER TABLE sessions ADD COLUMN impersonation_reason TEXT;

-- Permissions granted to one account beyond its role's (comma-separated names, e.g.
-- `impersonate`). Admin powers are explicit: a role alone never carries `impersonate`.
ALTER TABLE users ADD COLUMN granted_permissions TEXT NOT NULL DEFAULT '';

-- Audit entries written from now on are hashed in version 2: the chain covers a salted digest
-- of the personal fields (actor ids, target id, reason, payload) instead of the fields
-- themselves, so erasing a person blanks those fields and the salt while every hash stays
-- verifiable. Entries written before keep version 1.
ALTER TABLE audit_log ADD COLUMN hash_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE audit_log ADD COLUMN personal_salt BLOB;
ALTER TABLE audit_log ADD COLUMN personal_digest BLOB;
ALTER TABLE audit_log ADD COLUMN erased_at TEXT;
