-- +goose Up
-- Failed password checks, counted per subject in fixed windows (see
-- internal/auth: a username from one client IP, a username from any IP, a
-- client IP over all usernames), so that every replica sharing the
-- database enforces the same limits. A subject is a fixed-length digest,
-- never a raw username: whatever a client typed stays out of the table.
-- window_start is Unix milliseconds; rows whose window has ended are
-- pruned, which the index serves.
CREATE TABLE login_failures (
    subject      TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start BIGINT NOT NULL
);
CREATE INDEX login_failures_window_start ON login_failures (window_start);

-- +goose Down
DROP TABLE login_failures;
