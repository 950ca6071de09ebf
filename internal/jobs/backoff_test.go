package jobs

import (
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/store"
)

func TestBackoff(t *testing.T) {
	b := Backoff{Base: time.Second, Max: 10 * time.Second}
	for attempt, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 4: 8 * time.Second, 5: 10 * time.Second, 40: 10 * time.Second} {
		if got := b.Delay(attempt); got != want {
			t.Errorf("Delay(%d) = %s, want %s", attempt, got, want)
		}
	}
	// Webhooks are retried for about a day, migrations for minutes.
	if total := DefaultWebhookBackoff.Total(store.WebhookMaxAttempts); total < 20*time.Hour || total > 26*time.Hour {
		t.Errorf("webhook retries span %s", total)
	}
	if total := DefaultMigrationBackoff.Total(store.MigrationMaxAttempts); total < 5*time.Minute || total > 15*time.Minute {
		t.Errorf("migration retries span %s", total)
	}
}
