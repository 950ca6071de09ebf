package store

import (
	"context"
	"errors"
)

// LoginSubjectKey returns the secret internal/auth keys its throttle
// subjects with (auth.FailureStore), the same for every process on the
// database. The first call on a database stores fresh; every later call,
// and every concurrent first call of another process, gets the secret
// stored first (an insert that does nothing when a row exists, then a
// read), so replicas starting together agree.
func (db *DB) LoginSubjectKey(ctx context.Context, fresh []byte) ([]byte, error) {
	if len(fresh) == 0 {
		return nil, errors.New("store: an empty login subject key")
	}
	if _, err := db.write.ExecContext(ctx, `INSERT INTO login_subject_key (id, secret) VALUES (1, $1) ON CONFLICT (id) DO NOTHING`, fresh); err != nil {
		return nil, classify(db.d, err)
	}
	var secret []byte
	if err := db.write.QueryRowContext(ctx, `SELECT secret FROM login_subject_key WHERE id = 1`).Scan(&secret); err != nil {
		return nil, classify(db.d, err)
	}
	return secret, nil
}
