package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// userFrom joins a user to its owning partner: its home partner, or its
// client's partner.
const userFrom = `users u LEFT JOIN clients c ON c.id = u.client_id JOIN partners p ON p.id = coalesce(u.partner_id, c.partner_id)`

const userColumns = `u.id, u.username, u.first_name, u.last_name, u.email, u.email_verified, u.phone, u.role,
	coalesce(u.partner_id, 0), coalesce(u.client_id, 0), p.id, p.path, p.status, p.suspensions > 0, u.active, u.version,
	coalesce(u.created_at, NULL), coalesce(u.modified_at, NULL), coalesce(u.last_login_at, NULL)`

// userDest lists the scan destinations of userColumns for u.
func userDest(u *hub.User) []any {
	return []any{&u.ID, &u.Username, &u.FirstName, &u.LastName, &u.Email, &u.EmailVerified, &u.Phone, &u.Role,
		&u.PartnerID, &u.ClientID, &u.OwnerPartnerID, &u.OwnerPartnerPath, &u.OwnerPartnerStatus, &u.OwnerPartnerBlocked, &u.Active, &u.Version,
		timeScan{&u.CreatedAt}, timeScan{&u.ModifiedAt}, nullTimeScan{&u.LastLoginAt}}
}

func scanUser(row rowScanner, u *hub.User) error {
	return row.Scan(userDest(u)...)
}

// timePtr converts a nullable time column to a UTC *time.Time.
func timePtr(t sql.NullTime) *time.Time {
	if !t.Valid {
		return nil
	}
	v := t.Time.UTC()
	return &v
}

// nullTime converts an optional time to a nullable column value.
func nullTime(t *time.Time) sql.NullTime {
	if t == nil {
		return sql.NullTime{}
	}
	return sql.NullTime{Time: t.UTC(), Valid: true}
}

// nullID stores 0 as NULL for optional foreign keys.
func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

var userSchema = whitelist(hub.UserListFields, map[string]string{
	"id": "u.id", "username": "u.username", "first_name": "u.first_name", "last_name": "u.last_name",
	"email": "u.email", "email_verified": "u.email_verified", "phone": "u.phone", "role": "u.role",
	"active": "u.active", "created_at": "u.created_at", "modified_at": "u.modified_at",
})

var userList = listSpec{from: userFrom, columns: userColumns, id: "u.id", schema: userSchema}

func (r reader) User(ctx context.Context, id int64) (*hub.User, error) {
	u := new(hub.User)
	err := scanUser(r.row(ctx, `SELECT `+userColumns+` FROM `+userFrom+` WHERE u.id = $1`, id), u)
	if err == sql.ErrNoRows {
		return nil, hub.Errorf(hub.NotFound, "user not found")
	}
	if err != nil {
		return nil, classify(r.d, err)
	}
	return u, nil
}

func (r reader) UserCredentials(ctx context.Context, usernameKey string) (*hub.UserCredentials, error) {
	var cred hub.UserCredentials
	row := r.row(ctx, `SELECT `+userColumns+`, u.password_hash FROM `+userFrom+` WHERE u.username_key = $1`, usernameKey)
	err := row.Scan(append(userDest(&cred.User), &cred.PasswordHash)...)
	if err == sql.ErrNoRows {
		return nil, hub.Errorf(hub.NotFound, "user not found")
	}
	if err != nil {
		return nil, classify(r.d, err)
	}
	return &cred, nil
}

func (r reader) ListUsers(ctx context.Context, s hub.Scope, q hub.ListQuery) (hub.Page[hub.User], error) {
	var where string
	var args []any
	switch {
	case s.ClientID != 0:
		where, args = `u.client_id = $1`, []any{s.ClientID}
	case s.PartnerID != 0:
		where, args = `u.partner_id = $1`, []any{s.PartnerID}
	default:
		where, args = `p.path >= $1 AND p.path < $2`, []any{s.Path, hub.PathUpperBound(s.Path)}
	}
	return runList(ctx, r, userList, where, args, q, scanUser)
}

func (t *tx) InsertUser(ctx context.Context, u *hub.User, passwordHash string) error {
	err := t.q.QueryRowContext(ctx, `INSERT INTO users (username, username_key, first_name, last_name, email, email_verified,
		phone, role, partner_id, client_id, active, version, created_at, modified_at, password_hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
		u.Username, hub.UsernameKey(u.Username), u.FirstName, u.LastName, u.Email, u.EmailVerified,
		u.Phone, string(u.Role), nullID(u.PartnerID), nullID(u.ClientID), u.Active, u.Version,
		u.CreatedAt.UTC(), u.ModifiedAt.UTC(), passwordHash).Scan(&u.ID)
	return classify(t.d, err)
}

func (t *tx) UpdateUser(ctx context.Context, u *hub.User) error {
	res, err := t.q.ExecContext(ctx, `UPDATE users SET version = version + 1,
		username = $1, username_key = $2, first_name = $3, last_name = $4, email = $5, email_verified = $6,
		phone = $7, role = $8, active = $9, modified_at = $10
		WHERE id = $11 AND version = $12`,
		u.Username, hub.UsernameKey(u.Username), u.FirstName, u.LastName, u.Email, u.EmailVerified,
		u.Phone, string(u.Role), u.Active, u.ModifiedAt.UTC(), u.ID, u.Version)
	if err != nil {
		return classify(t.d, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return t.staleOrMissing(ctx, "users", u.ID)
	}
	u.Version++
	return nil
}

func (t *tx) SetUserPassword(ctx context.Context, id int64, passwordHash string, at time.Time) error {
	res, err := t.q.ExecContext(ctx, `UPDATE users SET password_hash = $1, version = version + 1, modified_at = $2 WHERE id = $3`,
		passwordHash, at.UTC(), id)
	if err != nil {
		return classify(t.d, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return hub.Errorf(hub.NotFound, "user not found")
	}
	return nil
}

func (t *tx) TouchUserLogin(ctx context.Context, id int64, at time.Time) error {
	_, err := t.q.ExecContext(ctx, `UPDATE users SET last_login_at = $1 WHERE id = $2`, at.UTC(), id)
	return classify(t.d, err)
}

func (t *tx) DeleteUser(ctx context.Context, id int64) error {
	if _, err := t.q.ExecContext(ctx, `DELETE FROM tokens WHERE user_id = $1`, id); err != nil {
		return classify(t.d, err)
	}
	res, err := t.q.ExecContext(ctx, `DELETE FROM users WHERE id = $1`, id)
	if err != nil {
		return classify(t.d, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return hub.Errorf(hub.NotFound, "user not found")
	}
	return nil
}

// partnerWithUserSQL reads a partner beside a user (userColumns, by id
// $2): see partnerBesideSQL.
var partnerWithUserSQL = partnerBesideSQL(userColumns, userFrom, `u.id = $2`)

func (r reader) PartnerWithUser(ctx context.Context, key hub.PartnerKey, userID int64) (*hub.Partner, *hub.User, error) {
	u := new(hub.User)
	p, err := r.partnerBeside(ctx, partnerWithUserSQL, key, userID, userDest(u), "user")
	if err != nil {
		return nil, nil, err
	}
	return p, u, nil
}
