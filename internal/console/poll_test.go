package console

import (
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// TestPollSlowsDown: a pending request's page polls every second for the
// first minute after the approval, then every 5 seconds while the request
// still changes (retries), then every 30.
func TestPollSlowsDown(t *testing.T) {
	now := time.Now()
	at := func(d time.Duration) *time.Time { t := now.Add(-d); return &t }
	for _, c := range []struct {
		approved, modified time.Duration
		want               string
	}{
		{0, 0, "every 1s"},
		{59 * time.Second, 59 * time.Second, "every 1s"},
		{2 * time.Minute, time.Minute, "every 5s"},
		{time.Hour, 11 * time.Minute, "every 30s"},
	} {
		cr := &hub.ChangeRequest{Status: hub.ChangeRequestPending, ApprovedAt: at(c.approved), ModifiedAt: *at(c.modified)}
		if got := crPoll(cr, now); got != c.want {
			t.Errorf("approved %s ago, modified %s ago: %q, want %q", c.approved, c.modified, got, c.want)
		}
	}
}
