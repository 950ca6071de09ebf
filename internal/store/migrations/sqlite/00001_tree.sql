-- +goose Up
-- Partners: the reseller tree. path is the materialised ancestry "/1/5/23/"
-- (BINARY collation: byte-wise), so a subtree is one range on its index.
CREATE TABLE partners (
    id                     INTEGER PRIMARY KEY,
    sid                    TEXT    NOT NULL UNIQUE,
    ref                    TEXT    NOT NULL UNIQUE,
    parent_id              INTEGER REFERENCES partners(id),
    path                   TEXT    NOT NULL UNIQUE,
    depth                  INTEGER NOT NULL,
    name                   TEXT    NOT NULL,
    contact_name           TEXT    NOT NULL DEFAULT '',
    status                 TEXT    NOT NULL,
    version                INTEGER NOT NULL DEFAULT 1,
    login                  TEXT    NOT NULL DEFAULT '',
    password_hash          TEXT    NOT NULL DEFAULT '',
    reference              TEXT    NOT NULL DEFAULT '',
    billing_id             TEXT    NOT NULL DEFAULT '',
    verification_phrase    TEXT    NOT NULL DEFAULT '',
    contact_user_id        INTEGER NOT NULL DEFAULT 0,
    address1               TEXT    NOT NULL DEFAULT '',
    address2               TEXT    NOT NULL DEFAULT '',
    city                   TEXT    NOT NULL DEFAULT '',
    state                  TEXT    NOT NULL DEFAULT '',
    zip                    TEXT    NOT NULL DEFAULT '',
    country_code           TEXT    NOT NULL DEFAULT '',
    phonenumber            TEXT    NOT NULL DEFAULT '',
    owner_email            TEXT    NOT NULL DEFAULT '',
    owner_email_verified   INTEGER NOT NULL DEFAULT 0,
    billing_email          TEXT    NOT NULL DEFAULT '',
    billing_email_verified INTEGER NOT NULL DEFAULT 0,
    tech_email             TEXT    NOT NULL DEFAULT '',
    tech_email_verified    INTEGER NOT NULL DEFAULT 0,
    payment_type           TEXT    NOT NULL DEFAULT 'prepay',
    balance                INTEGER NOT NULL DEFAULT 0,
    charge_at              INTEGER,
    prepay_amount          INTEGER,
    daily_spending_limit   INTEGER NOT NULL DEFAULT 0,
    daily_spent_amount     INTEGER NOT NULL DEFAULT 0,
    spending_limit         INTEGER NOT NULL DEFAULT 0,
    logo_url               TEXT    NOT NULL DEFAULT '',
    webhook_url            TEXT    NOT NULL DEFAULT '',
    redirect_url           TEXT    NOT NULL DEFAULT '',
    allow_client_add_phone INTEGER NOT NULL DEFAULT 0,
    attributes             TEXT    NOT NULL DEFAULT '{}',
    callbacks              TEXT    NOT NULL DEFAULT '{}',
    settings               TEXT    NOT NULL DEFAULT '{}',
    acls                   TEXT    NOT NULL DEFAULT '[]',
    parent_assigned_acls   TEXT    NOT NULL DEFAULT '[]',
    transformations        TEXT    NOT NULL DEFAULT '[]',
    created_at             TIMESTAMP NOT NULL,
    modified_at            TIMESTAMP NOT NULL,
    CHECK ((parent_id IS NULL) = (depth = 0))
);
CREATE INDEX partners_parent_id ON partners (parent_id);
CREATE UNIQUE INDEX partners_login ON partners (login) WHERE login <> '';
-- At most one root.
CREATE UNIQUE INDEX partners_one_root ON partners ((parent_id IS NULL)) WHERE parent_id IS NULL;

CREATE TABLE clients (
    id              INTEGER PRIMARY KEY,
    ref             TEXT    NOT NULL UNIQUE,
    partner_id      INTEGER NOT NULL REFERENCES partners(id),
    name            TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    version         INTEGER NOT NULL DEFAULT 1,
    organisation    TEXT    NOT NULL DEFAULT '',
    billing_id      TEXT    NOT NULL DEFAULT '',
    mid             TEXT    NOT NULL DEFAULT '',
    contact_user_id INTEGER NOT NULL DEFAULT 0,
    partner_payload TEXT    NOT NULL DEFAULT '',
    max_channels    INTEGER NOT NULL DEFAULT 0,
    meta_info       TEXT    NOT NULL DEFAULT '{}',
    contact_info    TEXT    NOT NULL DEFAULT '{}',
    created_at      TIMESTAMP NOT NULL,
    modified_at     TIMESTAMP NOT NULL,
    created_by      TEXT    NOT NULL DEFAULT '',
    modified_by     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX clients_partner_id ON clients (partner_id, id);

CREATE TABLE channels (
    id           INTEGER PRIMARY KEY,
    ref          TEXT    NOT NULL UNIQUE,
    client_id    INTEGER NOT NULL REFERENCES clients(id),
    status       TEXT    NOT NULL,
    account_mode TEXT    NOT NULL DEFAULT '',
    phone_number TEXT    NOT NULL UNIQUE,
    setup_info   TEXT    NOT NULL DEFAULT '{}',
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   TIMESTAMP NOT NULL,
    modified_at  TIMESTAMP NOT NULL
);
CREATE INDEX channels_client_id ON channels (client_id, id);

-- +goose Down
DROP TABLE channels;
DROP TABLE clients;
DROP TABLE partners;
