package jobs_test

import (
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// TestFullMigration: an approved full migration moves the client with
// every channel to the target; the request ends completed listing them.
func TestFullMigration(t *testing.T) {
	t.Parallel()
	for _, engine := range testdb.Engines {
		t.Run(engine.Name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, engine)
			src, dst := e.partner(e.root, "src"), e.partner(e.root, "dst")
			c, chs := e.client(src, 3)
			e.start(fastConfig())
			cr, err := e.svc.CreateChangeRequest(e.ctx, principal(src), hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c.ID, Target: hub.PartnerKey{Ref: dst.Ref}})
			if err != nil {
				t.Fatal(err)
			}
			if cr.Status != hub.ChangeRequestCreated || !cr.IsFullMigration || cr.TargetClientRef != c.Ref {
				t.Fatalf("created: %+v", cr)
			}
			if _, err := e.svc.ApproveChangeRequest(e.ctx, principal(dst), hub.PartnerKey{}, 0, cr.Ref); err != nil {
				t.Fatal(err)
			}
			done := e.waitDone(cr.ID, 20*time.Second)
			if done.Status != hub.ChangeRequestCompleted || len(done.MigratedChannels) != 3 || done.Attempts != 1 {
				t.Fatalf("done: %+v", done)
			}
			got, err := e.db.Client(e.ctx, c.ID, "")
			if err != nil || got.PartnerID != dst.ID {
				t.Fatalf("client after: %+v %v", got, err)
			}
			for _, ch := range chs {
				got, err := e.db.Channel(e.ctx, ch.ID, "")
				if err != nil || got.ClientID != c.ID || got.PartnerID != dst.ID {
					t.Fatalf("channel after: %+v %v", got, err)
				}
			}
		})
	}
}
