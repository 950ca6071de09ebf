-- +goose Up
-- Sessions of the web console (internal/console), kept in the database so
-- that they survive restarts and every replica sharing the database
-- knows them. token_hash is the SHA-256 of the session token (the cookie
-- value is never stored); data is the session manager's encoded values;
-- expiry is Unix milliseconds, after which the row is dead and is pruned
-- through the index.
CREATE TABLE console_sessions (
    token_hash TEXT PRIMARY KEY,
    data       BYTEA NOT NULL,
    expiry     BIGINT NOT NULL
);
CREATE INDEX console_sessions_expiry ON console_sessions (expiry);

-- +goose Down
DROP TABLE console_sessions;
