package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// emailFlagColumn maps a verifiable e-mail field (its column) to the
// column of its verified flag; it is the whitelist that keeps the field
// name out of SQL text unless it is one of ours.
var emailFlagColumn = map[string]string{
	hub.EmailFieldOwner:   "owner_email_verified",
	hub.EmailFieldBilling: "billing_email_verified",
	hub.EmailFieldTech:    "tech_email_verified",
}

func (t *tx) EmailVerificationByHash(ctx context.Context, tokenHash string) (*hub.EmailVerification, error) {
	var v hub.EmailVerification
	var used sql.NullTime
	err := t.q.QueryRowContext(ctx, `SELECT id, partner_id, field, address, created_at, expires_at, used_at
		FROM email_verifications WHERE token_hash = $1`, tokenHash).
		Scan(&v.ID, &v.PartnerID, &v.Field, &v.Address, &v.CreatedAt, &v.ExpiresAt, &used)
	if err == sql.ErrNoRows {
		return nil, hub.Errorf(hub.NotFound, "e-mail verification not found")
	}
	if err != nil {
		return nil, classify(t.d, err)
	}
	v.CreatedAt, v.ExpiresAt, v.UsedAt = v.CreatedAt.UTC(), v.ExpiresAt.UTC(), timePtr(used)
	return &v, nil
}

func (t *tx) InsertEmailVerification(ctx context.Context, v *hub.EmailVerification, tokenHash string) error {
	err := t.q.QueryRowContext(ctx, `INSERT INTO email_verifications (partner_id, field, address, token_hash, created_at, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		v.PartnerID, v.Field, v.Address, tokenHash, v.CreatedAt.UTC(), v.ExpiresAt.UTC()).Scan(&v.ID)
	return classify(t.d, err)
}

func (t *tx) DeleteEmailVerifications(ctx context.Context, partnerID int64, field string) error {
	_, err := t.q.ExecContext(ctx, `DELETE FROM email_verifications WHERE partner_id = $1 AND field = $2`, partnerID, field)
	return classify(t.d, err)
}

func (t *tx) UseEmailVerification(ctx context.Context, id int64, at time.Time) (bool, error) {
	res, err := t.q.ExecContext(ctx, `UPDATE email_verifications SET used_at = $1 WHERE id = $2 AND used_at IS NULL`, at.UTC(), id)
	if err != nil {
		return false, classify(t.d, err)
	}
	n, err := res.RowsAffected()
	return n == 1, classify(t.d, err)
}

func (t *tx) MarkEmailVerified(ctx context.Context, id int64, field, address string, activate bool, at time.Time) (bool, error) {
	flag, ok := emailFlagColumn[field]
	if !ok {
		return false, hub.InvalidField("field", "is not a verifiable e-mail field")
	}
	act := 0
	if activate {
		act = 1
	}
	res, err := t.q.ExecContext(ctx, `UPDATE partners SET `+flag+` = $1, version = version + 1, modified_at = $2,
		status = CASE WHEN $3 = 1 AND status = $4 THEN $5 ELSE status END
		WHERE id = $6 AND `+field+` = $7`,
		true, at.UTC(), act, hub.StatusUnverified, hub.StatusActive, id, address)
	if err != nil {
		return false, classify(t.d, err)
	}
	n, err := res.RowsAffected()
	return n == 1, classify(t.d, err)
}
