-- +goose Up
-- The /api/v2 face lists a partner's clients newest first (-created_at,
-- the id breaking ties) unless asked otherwise: this index serves that
-- page without sorting all of a partner's clients.
CREATE INDEX clients_partner_created ON clients (partner_id, created_at, id);

-- +goose Down
DROP INDEX clients_partner_created;
