-- +goose Up
-- Partner ids are never reused. Without AUTOINCREMENT SQLite would hand
-- out max(id)+1, so deleting the newest partner would free its id for the
-- next one, which would then inherit whatever still names the old id
-- (audit rows, caches keyed by id). Every partner id is taken from this
-- counter: the highest id ever handed out.
CREATE TABLE partner_id_counter (last INTEGER NOT NULL);
INSERT INTO partner_id_counter (last) SELECT coalesce(max(id), 0) FROM partners;

-- +goose Down
DROP TABLE partner_id_counter;
