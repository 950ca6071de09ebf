-- +goose Up
-- Webhook signing secrets, one per partner. Kept as they are, not hashed:
-- signing needs the secret itself (HMAC). A separate table keeps them out
-- of every partner read, list page, cache entry and audit record.
CREATE TABLE webhook_secrets (
    partner_id INTEGER PRIMARY KEY REFERENCES partners(id) ON DELETE CASCADE,
    secret     TEXT   NOT NULL,
    created_at TIMESTAMP NOT NULL
);

-- Webhook deliveries: one event for one partner, body fixed when the event
-- happened (TEXT: the exact bytes signed and sent), attempts a JSON array
-- of the latest tries ({at, status_code, error, duration_ms}).
CREATE TABLE webhook_deliveries (
    id                INTEGER PRIMARY KEY,
    partner_id        INTEGER NOT NULL REFERENCES partners(id) ON DELETE CASCADE,
    change_request_id INTEGER NOT NULL REFERENCES change_requests(id),
    event             TEXT    NOT NULL,
    body              TEXT    NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts          TEXT    NOT NULL DEFAULT '[]',
    attempt_count     INTEGER NOT NULL DEFAULT 0,
    created_at        TIMESTAMP NOT NULL,
    finished_at       TIMESTAMP
);
CREATE INDEX webhook_deliveries_partner ON webhook_deliveries (partner_id, id);

-- +goose Down
DROP TABLE webhook_deliveries;
DROP TABLE webhook_secrets;
