package jobs

import (
	"context"
	"log/slog"
	"time"
)

// Backoff spaces retries exponentially: the retry after attempt n waits
// Base·2^(n-1), at most Max.
type Backoff struct {
	Base, Max time.Duration
}

// The default backoffs. A migration's 10 attempts (store.
// MigrationMaxAttempts) span about 8.5 minutes; a webhook's 21 attempts
// (store.WebhookMaxAttempts) span about 23 hours: 10s, 20s, ... 85m, then
// every 2h.
var (
	DefaultMigrationBackoff = Backoff{Base: time.Second, Max: 5 * time.Minute}
	DefaultWebhookBackoff   = Backoff{Base: 10 * time.Second, Max: 2 * time.Hour}
)

// Delay is the wait after attempt n (1 for the first).
func (b Backoff) Delay(attempt int) time.Duration {
	d := b.Base
	for i := 1; i < attempt && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}

// Total is the time from the first attempt to the last of n attempts,
// the attempts themselves aside.
func (b Backoff) Total(attempts int) time.Duration {
	var t time.Duration
	for n := 1; n < attempts; n++ {
		t += b.Delay(n)
	}
	return t
}

// quietHandler passes on River's records from warnings up: its routine
// ones (elections, producers starting) would drown the service's own.
type quietHandler struct{ slog.Handler }

func (h quietHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= slog.LevelWarn && h.Handler.Enabled(ctx, l)
}

func (h quietHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return quietHandler{h.Handler.WithAttrs(as)}
}

func (h quietHandler) WithGroup(name string) slog.Handler {
	return quietHandler{h.Handler.WithGroup(name)}
}
