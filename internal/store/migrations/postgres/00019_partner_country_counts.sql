-- +goose Up
-- The number of partners of each country in the whole tree, kept exact by
-- triggers in the writing transaction: the root's list filtered by one
-- country (its subtree is the whole table) reads its total here, one row,
-- rather than counting every partner of the country on
-- partners_country_path. A country without a row has no partner; rows
-- whose n fell to 0 are kept.
--
-- Inserts and deletes are counted once per statement from its transition
-- table (a bulk INSERT of many rows adds one delta per country, in
-- country order so that concurrent writers lock the rows in one order);
-- a change of country is counted per row. Every trigger changes the
-- count rows through one upsert in country order, so that concurrent
-- writers lock them in one order and cannot deadlock on them.
--
-- The table lock holds off writers of partners from the backfill's
-- snapshot until the triggers exist (this migration's transaction), so
-- that no partner written by another process meanwhile goes uncounted.
LOCK TABLE partners IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE partner_country_counts (
    country_code TEXT   PRIMARY KEY,
    n            BIGINT NOT NULL
);

INSERT INTO partner_country_counts (country_code, n)
    SELECT country_code, count(*) FROM partners GROUP BY country_code;

-- +goose StatementBegin
CREATE FUNCTION partners_country_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO partner_country_counts AS c (country_code, n)
        SELECT country_code, count(*) FROM new_partners GROUP BY country_code ORDER BY country_code
        ON CONFLICT (country_code) DO UPDATE SET n = c.n + EXCLUDED.n;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION partners_country_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO partner_country_counts AS c (country_code, n)
        SELECT country_code, -count(*) FROM old_partners GROUP BY country_code ORDER BY country_code
        ON CONFLICT (country_code) DO UPDATE SET n = c.n + EXCLUDED.n;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION partners_country_count_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO partner_country_counts AS c (country_code, n)
        SELECT k, d FROM (VALUES (OLD.country_code, -1::bigint), (NEW.country_code, 1::bigint)) AS v (k, d) ORDER BY k
        ON CONFLICT (country_code) DO UPDATE SET n = c.n + EXCLUDED.n;
    RETURN NULL;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER partners_country_count_insert AFTER INSERT ON partners
    REFERENCING NEW TABLE AS new_partners
    FOR EACH STATEMENT EXECUTE FUNCTION partners_country_count_insert();
CREATE TRIGGER partners_country_count_delete AFTER DELETE ON partners
    REFERENCING OLD TABLE AS old_partners
    FOR EACH STATEMENT EXECUTE FUNCTION partners_country_count_delete();
CREATE TRIGGER partners_country_count_update AFTER UPDATE OF country_code ON partners
    FOR EACH ROW WHEN (OLD.country_code IS DISTINCT FROM NEW.country_code)
    EXECUTE FUNCTION partners_country_count_update();

-- +goose Down
DROP TRIGGER partners_country_count_update ON partners;
DROP TRIGGER partners_country_count_delete ON partners;
DROP TRIGGER partners_country_count_insert ON partners;
DROP FUNCTION partners_country_count_update();
DROP FUNCTION partners_country_count_delete();
DROP FUNCTION partners_country_count_insert();
DROP TABLE partner_country_counts;
