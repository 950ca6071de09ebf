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
	err := row.Scan(tokenDest(t)...)
	finishToken(t)
	return err
}

// tokenDest lists the scan destinations of tokenColumns for t;
// finishToken completes t once they are scanned.
func tokenDest(t *hub.Token) []any {
	return []any{&t.ID, &t.SID, &t.UserID, &t.PartnerID, &t.PartnerPath, &t.Name, &t.OAuthClientID, jsonScan[[]string]{Dest: &t.Scopes},
		timeScan{&t.CreatedAt}, timeScan{&t.ExpiresAt}, timeScan{&t.RefreshExpiresAt}, nullTimeScan{&t.RevokedAt}, nullTimeScan{&t.LastAccessAt},
		&t.LastAccessIP, &t.PartnerSID}
}

func finishToken(t *hub.Token) {
	if t.Scopes == nil {
		t.Scopes = []string{}
	}
}

var tokenSchema = whitelist(hub.TokenListFields, map[string]string{
	"id": "t.id", "sid": "t.sid", "name": "t.name", "oauth_client_id": "t.oauth_client_id",
	"partner_id": "t.partner_id", "created_at": "t.created_at", "expires_at": "t.expires_at",
})

var tokenList = listSpec{from: tokenFrom, columns: tokenColumns, id: "t.id", schema: tokenSchema}

func (r reader) oneToken(ctx context.Context, where string, arg any) (*hub.Token, error) {
	t := new(hub.Token)
	err := scanToken(r.row(ctx, `SELECT `+tokenColumns+` FROM `+tokenFrom+` WHERE `+where, arg), t)
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

// tokenCredentialsFrom joins a token (alias t) with its partner (p), its
// user (u), the user's client if any (c) and the user's owning partner
// (up); tokenCredentialsColumns are what TokenCredentials scans of them.
const tokenCredentialsFrom = tokenFrom + ` JOIN users u ON u.id = t.user_id LEFT JOIN clients c ON c.id = u.client_id` +
	` JOIN partners up ON up.id = coalesce(u.partner_id, c.partner_id)`

// Only what a token check reads (see hub.TokenCredentials): every column
// a read returns costs on every authenticated request.
const tokenCredentialsColumns = `t.id, t.sid, t.user_id, t.partner_id, p.path, t.scopes, coalesce(t.expires_at, NULL),
	coalesce(t.revoked_at, NULL), coalesce(t.last_access_at, NULL), t.last_access_ip,
	u.id, u.role, coalesce(u.client_id, 0), u.active, up.id, up.path, up.status, up.suspensions > 0, p.suspensions > 0`

// tokenCredentialsSQL reads a token by access hash with its user, the
// user's owning partner and whether the token's own partner is blocked, in
// one statement.
var tokenCredentialsSQL = `SELECT ` + tokenCredentialsColumns + ` FROM ` + tokenCredentialsFrom + ` WHERE t.access_hash = $1`

// credentialsDest lists the scan destinations of tokenCredentialsColumns
// for cr; finishToken(&cr.Token) completes it once they are scanned.
func credentialsDest(cr *hub.TokenCredentials) []any {
	t, u := &cr.Token, &cr.User
	return []any{&t.ID, &t.SID, &t.UserID, &t.PartnerID, &t.PartnerPath, jsonScan[[]string]{Dest: &t.Scopes}, timeScan{&t.ExpiresAt},
		nullTimeScan{&t.RevokedAt}, nullTimeScan{&t.LastAccessAt}, &t.LastAccessIP,
		&u.ID, &u.Role, &u.ClientID, &u.Active, &u.OwnerPartnerID, &u.OwnerPartnerPath, &u.OwnerPartnerStatus, &u.OwnerPartnerBlocked,
		&cr.PartnerBlocked}
}

func (r reader) TokenCredentials(ctx context.Context, accessHash string) (*hub.TokenCredentials, error) {
	cr := new(hub.TokenCredentials)
	err := r.scanRow(ctx, tokenCredentialsSQL, []any{accessHash}, credentialsDest(cr))
	if err == sql.ErrNoRows {
		return nil, hub.Errorf(hub.NotFound, "token not found")
	}
	if err != nil {
		return nil, classify(r.d, err)
	}
	finishToken(&cr.Token)
	return cr, nil
}

// partnerWithCredentialsSQL reads a partner beside a token's credentials
// (tokenCredentialsColumns, by access hash $2): see partnerBesideSQL.
var partnerWithCredentialsSQL = partnerBesideSQL(tokenCredentialsColumns, tokenCredentialsFrom, `t.access_hash = $2`)

func (r reader) PartnerWithTokenCredentials(ctx context.Context, key hub.PartnerKey, accessHash string) (*hub.Partner, *hub.TokenCredentials, error) {
	cr := new(hub.TokenCredentials)
	p, err := r.partnerBeside(ctx, partnerWithCredentialsSQL, key, accessHash, credentialsDest(cr), "token")
	if err != nil {
		return nil, nil, err
	}
	finishToken(&cr.Token)
	return p, cr, nil
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
