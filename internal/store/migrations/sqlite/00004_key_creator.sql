-- +goose Up
-- The user who created an API key, if any (NULL: a system principal or a
-- key that predates this column). Authentication requires that user to be
-- active and bounds the key by the user's current role. No REFERENCES
-- clause: SQLite cannot drop a column that takes part in a foreign key, and
-- users are never deleted.
ALTER TABLE api_keys ADD COLUMN creator_user_id INTEGER;

-- +goose Down
ALTER TABLE api_keys DROP COLUMN creator_user_id;
