package store

import "time"

// SetListenPingInterval sets how long the change feed waits quietly before
// it pings, and returns a function restoring the previous value.
func SetListenPingInterval(d time.Duration) (restore func()) {
	old := listenPingInterval
	listenPingInterval = d
	return func() { listenPingInterval = old }
}
