package store

import (
	"context"
	"time"
)

// SetListenPingInterval sets how long the change feed waits quietly before
// it pings, and returns a function restoring the previous value.
func SetListenPingInterval(d time.Duration) (restore func()) {
	old := listenPingInterval
	listenPingInterval = d
	return func() { listenPingInterval = old }
}

// MigrateTo moves db's schema to exactly version v, down or up.
func (db *DB) MigrateTo(ctx context.Context, v int64) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	cur, err := p.GetDBVersion(ctx)
	if err != nil {
		return err
	}
	if cur > v {
		_, err = p.DownTo(ctx, v)
	} else {
		_, err = p.UpTo(ctx, v)
	}
	return err
}

// SetClock replaces the session store's clock, for tests of expiry.
func (s *SessionStore) SetClock(now func() time.Time) { s.now = now }
