package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
)

// changesChannel is the PostgreSQL notification channel on which processes
// sharing a database schema announce their writes: notices are
// database-wide, so the schema is part of the name and deployments in
// other schemas of the same database do not disturb each other.
func changesChannel(schema string) string {
	name := "partnerhub_changes:" + schema
	if len(name) > 63 { // PostgreSQL truncates identifiers at 63 bytes
		name = name[:63]
	}
	return name
}

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
	_, err := db.write.ExecContext(ctx, `SELECT pg_notify($1, $2)`, db.channel, origin)
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
	if _, err := conn.Exec(ctx, `LISTEN `+pgx.Identifier{db.channel}.Sanitize()); err != nil {
		return false
	}
	changed() // anything may have changed while nobody listened
	for {
		// Wake up now and then to ping: a half-open connection (an idle
		// timeout in a NAT or load balancer) would otherwise block forever
		// and silently stop the feed.
		wait, cancel := context.WithTimeout(ctx, listenPingInterval)
		n, err := conn.WaitForNotification(wait)
		cancel()
		switch {
		case ctx.Err() != nil:
			return true
		case err != nil && wait.Err() != nil: // quiet for a while
			ping, cancel := context.WithTimeout(ctx, 5*time.Second)
			err = conn.Ping(ping)
			cancel()
			if err != nil {
				return true
			}
		case err != nil:
			return true
		case n.Payload != origin:
			changed()
		}
	}
}

// listenPingInterval is how long the change feed waits quietly before it
// checks its connection (a variable for tests).
var listenPingInterval = 30 * time.Second
