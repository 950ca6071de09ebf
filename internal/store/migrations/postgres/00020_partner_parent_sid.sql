-- +goose Up
-- Each partner keeps its parent's SID beside parent_id, written where the
-- partner is inserted and where it moves (a SID never changes), so that
-- reading a partner, or a page of them, does not look its parent up. A
-- row left '' (written by an earlier build during a rolling upgrade) is
-- read through the parent's row instead (see partnerColumns).
ALTER TABLE partners ADD COLUMN parent_sid TEXT NOT NULL DEFAULT '';
UPDATE partners SET parent_sid = (SELECT q.sid FROM partners q WHERE q.id = partners.parent_id)
	WHERE parent_id IS NOT NULL;

-- +goose Down
ALTER TABLE partners DROP COLUMN parent_sid;
