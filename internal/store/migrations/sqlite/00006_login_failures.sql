-- +goose Up
-- The password throttle's shared state (see internal/auth), so that every
-- replica sharing the database enforces the same limits.
--
-- login_failures: failed password checks, counted per subject in fixed
-- windows (a username from one client network, a username from any
-- network, a client network over all usernames). window_start is Unix
-- milliseconds; rows whose window has ended are pruned, which the index
-- serves.
--
-- login_successes: when a username last passed its password check from a
-- client network; such a network is exempt from the username-wide ceiling
-- for a while (an attack elsewhere does not lock the user out of where
-- they log in). succeeded_at is Unix milliseconds, pruned when too old.
--
-- A subject is "kind:" and an HMAC-SHA256 under login_subject_key's one
-- secret, never a raw username or address, nor an unkeyed digest of one
-- (a password typed into the username field must not be recoverable from
-- a dump of these tables alone). The secret is created once, by the first
-- process that needs it (insert if absent), and shared by every replica.
CREATE TABLE login_failures (
    subject      TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL,
    window_start INTEGER NOT NULL
);
CREATE INDEX login_failures_window_start ON login_failures (window_start);

CREATE TABLE login_successes (
    subject      TEXT PRIMARY KEY,
    succeeded_at INTEGER NOT NULL
);
CREATE INDEX login_successes_succeeded_at ON login_successes (succeeded_at);

CREATE TABLE login_subject_key (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    secret BLOB NOT NULL
);

-- +goose Down
DROP TABLE login_subject_key;
DROP TABLE login_successes;
DROP TABLE login_failures;
