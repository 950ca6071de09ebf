-- +goose Up
-- The filtered, ordered page of a subtree ("country_code eq X", ordered
-- by contact name, CarrierX's "name", with an exact total) is served from
-- indexes alone: partners_country_path counts a subtree's partners of one
-- country as one range of index entries; partners_country_contact yields
-- a country's partners in (contact_name, id) order with their path, so a
-- page walks it and tests the subtree on its entries, reading only the
-- page's rows from the table.
CREATE INDEX partners_country_path ON partners (country_code, path);
CREATE INDEX partners_country_contact ON partners (country_code, contact_name, id, path);

-- +goose Down
DROP INDEX partners_country_contact;
DROP INDEX partners_country_path;
