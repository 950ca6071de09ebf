-- +goose Up
-- Users: people who log in. A user belongs to exactly one partner or one
-- client. username_key is the lower-cased username: uniqueness ignores case.
CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    username       TEXT    NOT NULL,
    username_key   TEXT    NOT NULL UNIQUE,
    first_name     TEXT    NOT NULL DEFAULT '',
    last_name      TEXT    NOT NULL DEFAULT '',
    email          TEXT    NOT NULL DEFAULT '',
    email_verified INTEGER NOT NULL DEFAULT 0,
    phone          TEXT    NOT NULL DEFAULT '',
    role           TEXT    NOT NULL,
    partner_id     INTEGER REFERENCES partners(id),
    client_id      INTEGER REFERENCES clients(id),
    active         INTEGER NOT NULL DEFAULT 1,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     TIMESTAMP NOT NULL,
    modified_at    TIMESTAMP NOT NULL,
    last_login_at  TIMESTAMP,
    password_hash  TEXT    NOT NULL DEFAULT '',
    CHECK ((partner_id IS NULL) <> (client_id IS NULL))
);
CREATE INDEX users_partner_id ON users (partner_id, id);
CREATE INDEX users_client_id ON users (client_id, id);

-- API keys: "phk_<prefix>_<secret>"; only SHA-256 of the secret is kept.
CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    partner_id   INTEGER NOT NULL REFERENCES partners(id),
    name         TEXT    NOT NULL,
    role         TEXT    NOT NULL,
    scopes       TEXT    NOT NULL DEFAULT '[]',
    prefix       TEXT    NOT NULL UNIQUE,
    secret_hash  TEXT    NOT NULL,
    created_by   TEXT    NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    expires_at   TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE INDEX api_keys_partner_id ON api_keys (partner_id, id);

-- Tokens: opaque bearer access and refresh tokens; only their SHA-256 is
-- kept. partner_id is where the token acts (the user's home partner or a
-- visible sub-partner).
CREATE TABLE tokens (
    id                 INTEGER PRIMARY KEY,
    sid                TEXT    NOT NULL UNIQUE,
    user_id            INTEGER NOT NULL REFERENCES users(id),
    partner_id         INTEGER NOT NULL REFERENCES partners(id),
    name               TEXT    NOT NULL DEFAULT '',
    oauth_client_id    TEXT    NOT NULL DEFAULT '',
    scopes             TEXT    NOT NULL DEFAULT '[]',
    access_hash        TEXT    NOT NULL UNIQUE,
    refresh_hash       TEXT    NOT NULL UNIQUE,
    created_at         TIMESTAMP NOT NULL,
    expires_at         TIMESTAMP NOT NULL,
    refresh_expires_at TIMESTAMP NOT NULL,
    revoked_at         TIMESTAMP,
    last_access_at     TIMESTAMP,
    last_access_ip     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX tokens_user_id ON tokens (user_id, id);
CREATE INDEX tokens_partner_id ON tokens (partner_id);

-- Audit: one row per mutation, written in the mutation's transaction.
-- partner_id is the owner of the changed object; partner_path its path at
-- the time, used for visibility once the partner is gone.
CREATE TABLE audit_log (
    id                   INTEGER PRIMARY KEY,
    at                   TIMESTAMP NOT NULL,
    actor                TEXT    NOT NULL,
    principal_partner_id INTEGER NOT NULL DEFAULT 0,
    partner_id           INTEGER NOT NULL DEFAULT 0,
    partner_path         TEXT    NOT NULL DEFAULT '',
    action               TEXT    NOT NULL,
    object_type          TEXT    NOT NULL,
    object_id            TEXT    NOT NULL,
    before               TEXT,
    after                TEXT
);
CREATE INDEX audit_log_partner_path ON audit_log (partner_path, id);

-- +goose Down
DROP TABLE audit_log;
DROP TABLE tokens;
DROP TABLE api_keys;
DROP TABLE users;
