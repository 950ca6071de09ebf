-- +goose Up
-- Suspension cascade. suspensions counts the partners on a partner's path,
-- itself included, whose status is 'suspended' or 'inactive': nothing homed
-- in a partner whose count is above zero may authenticate. The store keeps
-- it with one range UPDATE over a subtree when a status crosses between
-- blocking and not blocking, and shifts a moved subtree by the difference
-- between its old and new parent, so authentication reads it from the
-- partner row its credential query already joins instead of walking up
-- the tree.
ALTER TABLE partners ADD COLUMN suspensions INTEGER NOT NULL DEFAULT 0;
UPDATE partners SET suspensions = x.n FROM (
    SELECT d.id AS id, count(*) AS n
    FROM partners b
    JOIN partners d ON d.path >= b.path AND d.path < substr(b.path, 1, length(b.path) - 1) || '0'
    WHERE b.status IN ('suspended', 'inactive')
    GROUP BY d.id
) AS x
WHERE partners.id = x.id;

-- Partner logins are users: a partner's login is the username of its login
-- user (role Partner Supervisor, homed at the partner, linked as its
-- contact), so Basic and the password grant authenticate it like any user
-- and one unique index (users.username_key) keeps logins and usernames
-- apart regardless of case. Logins stored before this migration get their
-- user here, without a password (they could not log in before either);
-- a login that is not a valid username, or whose case-folded form is
-- already a username or an earlier partner's login, is left as it was.
INSERT INTO users (username, username_key, role, partner_id, active, version, created_at, modified_at, password_hash)
SELECT p.login, lower(p.login), 'Partner Supervisor', p.id, TRUE, 1, p.created_at, p.modified_at, ''
FROM partners p
WHERE p.login ~ '^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$'
  AND NOT EXISTS (SELECT 1 FROM users u WHERE u.username_key = lower(p.login))
  AND NOT EXISTS (SELECT 1 FROM partners q WHERE q.id < p.id AND lower(q.login) = lower(p.login));
UPDATE partners SET contact_user_id = (
    SELECT u.id FROM users u WHERE u.partner_id = partners.id AND u.username_key = lower(partners.login))
WHERE login <> '' AND contact_user_id = 0
  AND EXISTS (SELECT 1 FROM users u WHERE u.partner_id = partners.id AND u.username_key = lower(partners.login));

-- +goose Down
-- The login users stay: they are ordinary users now.
ALTER TABLE partners DROP COLUMN suspensions;
