-- +goose Up
-- The user who created an API key, if any (NULL: a system principal or a
-- key that predates this column). Authentication requires that user to be
-- active and bounds the key by the user's current role.
ALTER TABLE api_keys ADD COLUMN creator_user_id BIGINT REFERENCES users(id);

-- +goose Down
ALTER TABLE api_keys DROP COLUMN creator_user_id;
