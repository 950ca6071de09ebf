package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

const tokenFrom = `tokens t JOIN partners p ON p.id = t.partner_id`

const tokenColumns = `t.id, t.sid, t.user_id, t.partner_id, p.path, t.name, t.oauth_client_id, t.scopes,
	coalesce(t.created_at, NULL), coalesce(t.expires_at, NULL), coalesce(t.refresh_expires_at, NULL),
	coalesce(t.revoked_at, NULL), coalesce(t.last_access_at, NULL), t.last_access_ip, p.sid`

func scanToken(row rowScanner, t *hub.Token) error {
	err := row.Scan(&t.ID, &t.SID, &t.UserID, &t.PartnerID, &t.PartnerPath, &t.Name, &t.OAuthClientID, jsonScan[[]string]{Dest: &t.Scopes},
		timeScan{&t.CreatedAt}, timeScan{&t.ExpiresAt}, timeScan{&t.RefreshExpiresAt}, nullTimeScan{&t.RevokedAt}, nullTimeScan{&t.LastAccessAt},
		&t.LastAccessIP, &t.PartnerSID)
	if t.Scopes == nil {
		t.Scopes = []string{}
	}
	return err
}

var tokenSchema = whitelist(hub.TokenListFields, map[string]string{
	"id": "t.id", "sid": "t.sid", "name": "t.name", "oauth_client_id": "t.oauth_client_id",
	"partner_id": "t.partner_id", "created_at": "t.created_at", "expires_at": "t.expires_at",
})

var tokenList = listSpec{from: tokenFrom, columns: tokenColumns, id: "t.id", schema: tokenSchema}

func (r reader) oneToken(ctx context.Context, where string, arg any) (*hub.Token, error) {
	t := new(hub.Token)
	err := scanToken(r.q.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM `+tokenFrom+` WHERE `+where, arg), t)
	if err == sql.ErrNoRows {
		return nil, hub.Errorf(hub.NotFound, "token not found")
	}
	if err != nil {
		return nil, classify(r.d, err)
	}
	return t, nil
}

func (r reader) Token(ctx context.Context, sid string) (*hub.Token, error) {
	return r.oneToken(ctx, `t.sid = $1`, sid)
}

// tokenCredentialsSQL reads a token by access hash with its user, the
// user's owning partner (alias up) and whether the token's own partner is
// blocked, in one statement.
var tokenCredentialsSQL = `SELECT ` + tokenColumns + `, ` + userOwnerColumns + `, p.suspensions > 0 FROM ` + tokenFrom +
	` JOIN users u ON u.id = t.user_id LEFT JOIN clients c ON c.id = u.client_id` +
	` JOIN partners up ON up.id = coalesce(u.partner_id, c.partner_id) WHERE t.access_hash = $1`

func (r reader) TokenCredentials(ctx context.Context, accessHash string) (*hub.TokenCredentials, error) {
	cr := new(hub.TokenCredentials)
	extra := append(userDest(&cr.User), &cr.PartnerBlocked)
	err := scanToken(&appendedRow{row: r.q.QueryRowContext(ctx, tokenCredentialsSQL, accessHash), extra: extra}, &cr.Token)
	if err == sql.ErrNoRows {
		return nil, hub.Errorf(hub.NotFound, "token not found")
	}
	if err != nil {
		return nil, classify(r.d, err)
	}
	return cr, nil
}

// appendedRow scans a row whose leading columns go to the caller's
// destinations and whose trailing ones go to extra.
type appendedRow struct {
	row   rowScanner
	extra []any
}

func (a *appendedRow) Scan(dest ...any) error {
	return a.row.Scan(append(dest, a.extra...)...)
}

func (r reader) TokenByRefreshHash(ctx context.Context, refreshHash string) (*hub.Token, error) {
	return r.oneToken(ctx, `t.refresh_hash = $1`, refreshHash)
}

func (r reader) ListTokens(ctx context.Context, userID int64, q hub.ListQuery) (hub.Page[hub.Token], error) {
	return runList(ctx, r, tokenList, `t.user_id = $1`, []any{userID}, q, scanToken)
}

func (t *tx) InsertToken(ctx context.Context, tok *hub.Token, accessHash, refreshHash string) error {
	scopes, err := jsonText(tok.Scopes, "[]")
	if err != nil {
		return err
	}
	err = t.q.QueryRowContext(ctx, `INSERT INTO tokens (sid, user_id, partner_id, name, oauth_client_id, scopes,
		access_hash, refresh_hash, created_at, expires_at, refresh_expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		tok.SID, tok.UserID, tok.PartnerID, tok.Name, tok.OAuthClientID, scopes, accessHash, refreshHash,
		tok.CreatedAt.UTC(), tok.ExpiresAt.UTC(), tok.RefreshExpiresAt.UTC()).Scan(&tok.ID)
	return classify(t.d, err)
}

func (t *tx) RevokeToken(ctx context.Context, id int64, at time.Time) (bool, error) {
	res, err := t.q.ExecContext(ctx, `UPDATE tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, at.UTC(), id)
	if err != nil {
		return false, classify(t.d, err)
	}
	n, err := res.RowsAffected()
	return n == 1, classify(t.d, err)
}

func (t *tx) TouchToken(ctx context.Context, id int64, at time.Time, ip string, olderThan time.Time) error {
	_, err := t.q.ExecContext(ctx, `UPDATE tokens SET last_access_at = $1, last_access_ip = $2
		WHERE id = $3 AND (last_access_at IS NULL OR last_access_at < $4 OR last_access_ip <> $2)`,
		at.UTC(), ip, id, olderThan.UTC())
	return classify(t.d, err)
}
