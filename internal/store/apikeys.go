package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

const apiKeyFrom = `api_keys k JOIN partners p ON p.id = k.partner_id`

const apiKeyColumns = `k.id, k.partner_id, p.path, k.name, k.role, k.scopes, k.prefix, k.created_by, coalesce(k.created_at, NULL),
	coalesce(k.last_used_at, NULL), coalesce(k.expires_at, NULL), coalesce(k.revoked_at, NULL), coalesce(k.creator_user_id, 0)`

// apiKeyCredFrom adds to apiKeyFrom the key's creator user and that user's
// home partner, so authentication reads the key, its partner and its
// creator's current state in one query.
const apiKeyCredFrom = apiKeyFrom + ` LEFT JOIN users cu ON cu.id = k.creator_user_id LEFT JOIN partners cp ON cp.id = cu.partner_id`

const apiKeyCredColumns = `k.secret_hash, p.status, p.suspensions > 0, cu.id, cu.active, cu.role, cp.path, cp.status`

func scanAPIKey(row rowScanner) (hub.APIKey, error) {
	k, _, err := scanAPIKeyWith(row)
	return k, err
}

// scanAPIKeyWith scans apiKeyColumns plus any extra trailing columns.
func scanAPIKeyWith(row rowScanner, extra ...any) (hub.APIKey, []any, error) {
	var k hub.APIKey
	dest := append([]any{&k.ID, &k.PartnerID, &k.PartnerPath, &k.Name, &k.Role, jsonScan[[]string]{Dest: &k.Scopes}, &k.Prefix,
		&k.CreatedBy, timeScan{&k.CreatedAt}, nullTimeScan{&k.LastUsedAt}, nullTimeScan{&k.ExpiresAt}, nullTimeScan{&k.RevokedAt},
		&k.CreatorUserID}, extra...)
	err := row.Scan(dest...)
	if k.Scopes == nil {
		k.Scopes = []string{}
	}
	return k, extra, err
}

var apiKeySchema = whitelist(hub.APIKeyListFields, map[string]string{
	"id": "k.id", "partner_id": "k.partner_id", "name": "k.name", "prefix": "k.prefix", "created_at": "k.created_at",
})

var apiKeyList = listSpec{from: apiKeyFrom, columns: apiKeyColumns, id: "k.id", schema: apiKeySchema}

func (r reader) APIKey(ctx context.Context, id int64) (*hub.APIKey, error) {
	k, err := scanAPIKey(r.row(ctx, `SELECT `+apiKeyColumns+` FROM `+apiKeyFrom+` WHERE k.id = $1`, id))
	if err == sql.ErrNoRows {
		return nil, hub.Errorf(hub.NotFound, "API key not found")
	}
	if err != nil {
		return nil, classify(r.d, err)
	}
	return &k, nil
}

func (r reader) APIKeyByPrefix(ctx context.Context, prefix string) (*hub.APIKeyCredentials, error) {
	var cred hub.APIKeyCredentials
	var cuID sql.NullInt64
	var cuActive sql.NullBool
	var cuRole, cpPath, cpStatus sql.NullString
	row := r.row(ctx, `SELECT `+apiKeyColumns+`, `+apiKeyCredColumns+` FROM `+apiKeyCredFrom+` WHERE k.prefix = $1`, prefix)
	k, _, err := scanAPIKeyWith(row, &cred.SecretHash, &cred.PartnerStatus, &cred.PartnerBlocked, &cuID, &cuActive, &cuRole, &cpPath, &cpStatus)
	if err == sql.ErrNoRows {
		return nil, hub.Errorf(hub.NotFound, "API key not found")
	}
	if err != nil {
		return nil, classify(r.d, err)
	}
	cred.Key = k
	if k.CreatorUserID != 0 {
		cred.Creator = &hub.KeyCreator{Found: cuID.Valid, Active: cuActive.Valid && cuActive.Bool, Role: hub.Role(cuRole.String),
			HomePath: cpPath.String, HomeStatus: cpStatus.String}
	}
	return &cred, nil
}

func (r reader) ListAPIKeys(ctx context.Context, path string, q hub.ListQuery) (hub.Page[hub.APIKey], error) {
	return runList(ctx, r, apiKeyList, `p.path >= $1 AND p.path < $2`, []any{path, hub.PathUpperBound(path)}, q, into(scanAPIKey))
}

func (t *tx) InsertAPIKey(ctx context.Context, k *hub.APIKey, secretHash string) error {
	scopes, err := jsonText(k.Scopes, "[]")
	if err != nil {
		return err
	}
	var creator sql.NullInt64
	if k.CreatorUserID != 0 {
		creator = sql.NullInt64{Int64: k.CreatorUserID, Valid: true}
	}
	err = t.q.QueryRowContext(ctx, `INSERT INTO api_keys (partner_id, name, role, scopes, prefix, secret_hash, created_by,
		created_at, expires_at, creator_user_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		k.PartnerID, k.Name, string(k.Role), scopes, k.Prefix, secretHash, k.CreatedBy, k.CreatedAt.UTC(), nullTime(k.ExpiresAt),
		creator).Scan(&k.ID)
	return classify(t.d, err)
}

func (t *tx) RevokeAPIKey(ctx context.Context, id int64, at time.Time) error {
	_, err := t.q.ExecContext(ctx, `UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL`, at.UTC(), id)
	return classify(t.d, err)
}

func (t *tx) TouchAPIKey(ctx context.Context, id int64, at, olderThan time.Time) error {
	_, err := t.q.ExecContext(ctx, `UPDATE api_keys SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)`,
		at.UTC(), id, olderThan.UTC())
	return classify(t.d, err)
}
