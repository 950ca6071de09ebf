-- +goose Up
-- Partners and clients are named by their names too (Bluefin's parent
-- {"name": ...}, partner=<name>, client=<name>): names are not unique, so
-- a lookup reads every visible partner or client of that name. These
-- indexes make it one range whatever the size of the caller's subtree.
CREATE INDEX partners_name ON partners (name);
CREATE INDEX clients_name ON clients (name);

-- +goose Down
DROP INDEX clients_name;
DROP INDEX partners_name;
