-- +goose Up
-- E-mail verifications: one single-use token per partner e-mail field,
-- bound to the exact address it was issued for; only its SHA-256 is kept.
-- A new request for the same partner and field deletes the old row.
CREATE TABLE email_verifications (
    id          INTEGER PRIMARY KEY,
    partner_id  INTEGER NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    field       TEXT    NOT NULL CHECK (field IN ('owner_email', 'billing_email', 'tech_email')),
    address     TEXT    NOT NULL,
    token_hash  TEXT    NOT NULL UNIQUE,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP
);
CREATE INDEX email_verifications_partner_field ON email_verifications (partner_id, field);

-- +goose Down
DROP TABLE email_verifications;
