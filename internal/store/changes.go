package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// changesChannel is the PostgreSQL notification channel on which processes
// sharing a database announce their writes.
const changesChannel = "partnerhub_changes"

// ErrNoChangeFeed is returned by WatchChanges on an engine without a
// cross-process change feed (SQLite).
var ErrNoChangeFeed = errors.New("store: this engine has no change feed")

// PublishChange tells the other processes sharing the database that data
// has changed; origin names the sender, whose own WatchChanges ignores it.
// It is a no-op on SQLite. The notice is sent outside any transaction, so
// call it after the change has committed.
func (db *DB) PublishChange(ctx context.Context, origin string) error {
	if db.listen == nil {
		return nil
	}
	_, err := db.write.ExecContext(ctx, `SELECT pg_notify($1, $2)`, changesChannel, origin)
	if err != nil {
		return classify(db.d, err)
	}
	return nil
}

// WatchChanges calls changed for every change published by an origin other
// than origin, until ctx ends; it also calls changed each time it
// (re)connects, because notices sent while it was not listening are lost.
// It listens on a connection of its own and reconnects with backoff (1s
// to 30s). It returns ctx's error, or ErrNoChangeFeed at once on SQLite.
// changed runs on the watching goroutine and must not block for long.
func (db *DB) WatchChanges(ctx context.Context, origin string, changed func()) error {
	if db.listen == nil {
		return ErrNoChangeFeed
	}
	backoff := time.Second
	for {
		if listened := db.listenOnce(ctx, origin, changed); listened {
			backoff = time.Second
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

// listenOnce connects, listens and relays notices until the connection
// fails or ctx ends. It reports whether it got as far as listening.
func (db *DB) listenOnce(ctx context.Context, origin string, changed func()) (listened bool) {
	conn, err := pgx.ConnectConfig(ctx, db.listen.Copy())
	if err != nil {
		return false
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()
	if _, err := conn.Exec(ctx, `LISTEN `+changesChannel); err != nil {
		return false
	}
	changed() // anything may have changed while nobody listened
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return true
		}
		if n.Payload != origin {
			changed()
		}
	}
}
