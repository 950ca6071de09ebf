-- +goose Up
-- Change requests: a client (whole, or a copy of it with some channels)
-- moving from one partner to another. requested_channels and
-- migrated_channels hold channel refs (JSON arrays). A client has at most
-- one open (created or pending) request: the partial unique index is the
-- guard that concurrent creations cannot pass.
-- A client or partner with an open request cannot be deleted; deleting one
-- whose requests are all closed first sets its id to NULL in those
-- requests (the store does, in the deleting transaction; the plain
-- REFERENCES still refuses the DELETE if an open request appeared
-- meanwhile), and the refs copied into the row at creation keep the
-- history readable.
CREATE TABLE change_requests (
    id                 INTEGER PRIMARY KEY,
    ref                TEXT    NOT NULL UNIQUE,
    status             TEXT    NOT NULL CHECK (status IN ('created', 'pending', 'completed', 'failed', 'rejected')),
    is_full_migration  INTEGER NOT NULL,
    source_client_id   INTEGER REFERENCES clients(id),
    target_client_id   INTEGER REFERENCES clients(id),
    source_partner_id  INTEGER REFERENCES partners(id),
    target_partner_id  INTEGER REFERENCES partners(id),
    source_client_ref  TEXT    NOT NULL,
    target_client_ref  TEXT    NOT NULL DEFAULT '',
    source_partner_ref TEXT    NOT NULL,
    target_partner_ref TEXT    NOT NULL,
    requested_channels TEXT    NOT NULL DEFAULT '[]',
    migrated_channels  TEXT    NOT NULL DEFAULT '[]',
    failure_reason     TEXT    NOT NULL DEFAULT '',
    last_error         TEXT    NOT NULL DEFAULT '',
    attempts           INTEGER NOT NULL DEFAULT 0,
    version            INTEGER NOT NULL DEFAULT 1,
    created_by         TEXT    NOT NULL DEFAULT '',
    modified_by        TEXT    NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL,
    modified_at        TIMESTAMP NOT NULL,
    approved_at        TIMESTAMP,
    finished_at        TIMESTAMP
);
CREATE UNIQUE INDEX change_requests_one_open ON change_requests (source_client_id) WHERE status IN ('created', 'pending');
CREATE INDEX change_requests_source_partner ON change_requests (source_partner_id, created_at, id);
CREATE INDEX change_requests_target_partner ON change_requests (target_partner_id, created_at, id);
CREATE INDEX change_requests_source_client ON change_requests (source_client_id);
CREATE INDEX change_requests_target_client ON change_requests (target_client_id);

-- A partner's settings for incoming change requests (none: defaults).
CREATE TABLE change_request_settings (
    partner_id   INTEGER PRIMARY KEY REFERENCES partners(id) ON DELETE CASCADE,
    auto_approve INTEGER NOT NULL DEFAULT 0,
    modified_at  TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE change_request_settings;
DROP TABLE change_requests;
