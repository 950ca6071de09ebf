-- +goose Up
-- Partner ids are never reused: on PostgreSQL partners_id_seq already
-- guarantees it (SQLite gets a counter table in its migration 00005). This
-- migration keeps the two engines' versions in step.
SELECT 1;

-- +goose Down
SELECT 1;
