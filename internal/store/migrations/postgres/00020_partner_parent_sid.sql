-- +goose Up
-- Each partner keeps its parent's SID beside parent_id (a SID never
-- changes), so that reading a partner, or a page of them, does not look
-- its parent up. An insert writes it; a trigger rewrites it whenever
-- parent_id changes, whichever build moved the partner. A row left ''
-- (inserted by an earlier build during a rolling upgrade) is read through
-- the parent's row instead (see partnerColumns).
ALTER TABLE partners ADD COLUMN parent_sid TEXT NOT NULL DEFAULT '';
UPDATE partners SET parent_sid = (SELECT q.sid FROM partners q WHERE q.id = partners.parent_id)
	WHERE parent_id IS NOT NULL;

-- +goose StatementBegin
CREATE FUNCTION partners_parent_sid_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.parent_sid := coalesce((SELECT q.sid FROM partners q WHERE q.id = NEW.parent_id), '');
    RETURN NEW;
END
$$;
-- +goose StatementEnd

CREATE TRIGGER partners_parent_sid_move BEFORE UPDATE OF parent_id ON partners
    FOR EACH ROW WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id) EXECUTE FUNCTION partners_parent_sid_move();

-- +goose Down
DROP TRIGGER partners_parent_sid_move ON partners;
DROP FUNCTION partners_parent_sid_move();
ALTER TABLE partners DROP COLUMN parent_sid;
