-- +goose Up
-- The number of partners of each country in the whole tree, kept exact by
-- triggers in the writing transaction: the root's list filtered by one
-- country (its subtree is the whole table) reads its total here, one row,
-- rather than counting every partner of the country on
-- partners_country_path. A country without a row has no partner; rows
-- whose n fell to 0 are kept.
CREATE TABLE partner_country_counts (
    country_code TEXT    PRIMARY KEY,
    n            INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO partner_country_counts (country_code, n)
    SELECT country_code, count(*) FROM partners GROUP BY country_code;

-- +goose StatementBegin
CREATE TRIGGER partners_country_count_insert AFTER INSERT ON partners
BEGIN
    INSERT INTO partner_country_counts (country_code, n) VALUES (NEW.country_code, 1)
        ON CONFLICT (country_code) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER partners_country_count_delete AFTER DELETE ON partners
BEGIN
    UPDATE partner_country_counts SET n = n - 1 WHERE country_code = OLD.country_code;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER partners_country_count_update AFTER UPDATE OF country_code ON partners
WHEN OLD.country_code IS NOT NEW.country_code
BEGIN
    UPDATE partner_country_counts SET n = n - 1 WHERE country_code = OLD.country_code;
    INSERT INTO partner_country_counts (country_code, n) VALUES (NEW.country_code, 1)
        ON CONFLICT (country_code) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER partners_country_count_update;
DROP TRIGGER partners_country_count_delete;
DROP TRIGGER partners_country_count_insert;
DROP TABLE partner_country_counts;
