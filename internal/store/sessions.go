package store

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"time"
)

// SessionStore keeps the web console's sessions in the database, so that
// they survive restarts and every replica on the same database shares
// them. It implements the session store interfaces of
// github.com/alexedwards/scs/v2 (Store and CtxStore) without importing
// the library: Find, Commit and Delete with and without a context. Like
// the login failures it works below the domain and past the read cache: a
// session must be read fresh by every replica.
//
// Tokens arrive as the session manager gives them; the console turns on
// scs's HashTokenInStore, so what is stored is the SHA-256 of the cookie
// value, never the value itself. Expiry times are kept as Unix
// milliseconds.
type SessionStore struct {
	db  *DB
	now func() time.Time
}

// Sessions returns the database's console session store.
func (db *DB) Sessions() *SessionStore { return &SessionStore{db: db, now: time.Now} }

// FindCtx returns the data of the session token when it exists and has
// not expired; found is false otherwise (and err nil): an unknown,
// expired or malformed token is no error.
func (s *SessionStore) FindCtx(ctx context.Context, token string) (b []byte, found bool, err error) {
	err = s.db.read.QueryRowContext(ctx, `SELECT data FROM console_sessions WHERE token_hash = $1 AND expiry > $2`,
		token, s.now().UnixMilli()).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, classify(s.db.d, err)
	}
	return b, true, nil
}

// CommitCtx stores the session token with data and expiry, replacing what
// the token held before, in one statement.
func (s *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	if b == nil {
		b = []byte{}
	}
	_, err := s.db.write.ExecContext(ctx, `INSERT INTO console_sessions (token_hash, data, expiry) VALUES ($1, $2, $3)
		ON CONFLICT (token_hash) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`, token, b, expiry.UnixMilli())
	return classify(s.db.d, err)
}

// DeleteCtx removes the session token; an unknown token is no error.
func (s *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := s.db.write.ExecContext(ctx, `DELETE FROM console_sessions WHERE token_hash = $1`, token)
	return classify(s.db.d, err)
}

// Find is FindCtx without a context.
func (s *SessionStore) Find(token string) ([]byte, bool, error) {
	return s.FindCtx(context.Background(), token)
}

// Commit is CommitCtx without a context.
func (s *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return s.CommitCtx(context.Background(), token, b, expiry)
}

// Delete is DeleteCtx without a context.
func (s *SessionStore) Delete(token string) error {
	return s.DeleteCtx(context.Background(), token)
}

// DeleteExpired removes every session whose expiry is at or before
// before and returns how many it removed.
func (s *SessionStore) DeleteExpired(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.db.write.ExecContext(ctx, `DELETE FROM console_sessions WHERE expiry <= $1`, before.UnixMilli())
	if err != nil {
		return 0, classify(s.db.d, err)
	}
	return res.RowsAffected()
}

// RunCleanup deletes expired sessions every interval until ctx ends, so
// that the table holds live sessions only. Several replicas may run it at
// once: each deletion is one idempotent statement. Failures are logged
// (nil log: discarded) and retried at the next tick.
func (s *SessionStore) RunCleanup(ctx context.Context, interval time.Duration, log *slog.Logger) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.DeleteExpired(ctx, s.now()); err != nil && ctx.Err() == nil {
				log.Warn("console sessions: could not delete expired sessions", "err", err)
			}
		}
	}
}
